/**
 * Publishing an OpenAPI document, and a Swagger UI reference page that
 * renders it, served same-origin from the installed `swagger-ui-dist`.
 *
 * @module tsgi/middleware/openapi
 */
export { openapiDocs, type OpenApiDocsOptions } from './openapi-docs.js';
export type { OpenApiDocument, OpenApiDocumentSource, OpenApiInfo } from './document.js';
