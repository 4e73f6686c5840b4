/**
 * OpenAPI 3.1 documents generated from handler classes: paths from the
 * mounts and `@route` patterns, operations from the `doX` methods, their
 * parameters, bodies and responses from the decorators, JSON Schema from
 * each Standard Schema's own converter, and `@operation` for what only the
 * author can say. Serve the result with `openapiDocs` from
 * `tsgi/middleware/openapi`.
 *
 * @module tsgi/openapi
 */
export { openapiDocument, type HandlerClass, type HandlerMounts, type OpenApiDocumentOptions, type OperationFacts } from './document.js';
export { operation, type OperationDoc, type ResponseDoc, type DescribedSchema } from './operation.js';
export type {
  GeneratedOpenApiDocument,
  JsonSchema,
  OpenApiComponents,
  OpenApiDocumentInfo,
  OpenApiHeader,
  OpenApiMediaType,
  OpenApiMethod,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiPathItem,
  OpenApiReference,
  OpenApiRequestBody,
  OpenApiResponse,
  OpenApiSecurityRequirement,
  OpenApiServer,
  OpenApiTag,
} from './types.js';
