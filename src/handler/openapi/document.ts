/**
 * `openapiDocument`: an OpenAPI 3.1 document from mounted handler classes,
 * following the dispatch rules: the collection root is answered by the
 * `doXALL` methods, item paths by `doX` under the `@route` pattern, and
 * only methods the class defines are operations (not the automatic HEAD
 * and OPTIONS answers).
 *
 * @module
 */
import { BaseHandler } from '../base-handler.js';
import { classPlan, type ClassPlan } from '../plan.js';
import { SchemaRegistry } from './json-schema.js';
import { findOperationDoc } from './operation.js';
import { withDeclaredInputs } from './declared-inputs.js';
import { flatten, pathKinds, type PathKind } from './mounts.js';
import { describeInputs, ownerOf } from './parameters.js';
import { describeResponses, errorComponents, PROBLEM_DETAILS, VALIDATION_ISSUE, type ErrorStatus } from './responses.js';
import type {
  GeneratedOpenApiDocument,
  OpenApiDocumentInfo,
  OpenApiMethod,
  OpenApiOperation,
  OpenApiPathItem,
  OpenApiSecurityRequirement,
  OpenApiServer,
  OpenApiTag,
} from './types.js';

/**
 * A handler class, as {@link openapiDocument} takes it.
 *
 * @example
 * ```ts
 * const handler: HandlerClass = Tasks;
 * ```
 *
 * @category OpenAPI
 */
export type HandlerClass = abstract new (...args: never[]) => BaseHandler;

/**
 * Handler classes by mount prefix, as `urlMap` takes apps; a value may be
 * another such object, whose prefixes are below this one.
 *
 * @example
 * ```ts
 * const mounts: HandlerMounts = { '/tasks': Tasks, '/admin': { '/users': Users } };
 * ```
 *
 * @category OpenAPI
 */
export interface HandlerMounts {
  readonly [prefix: string]: HandlerClass | HandlerMounts;
}

/**
 * What {@link OpenApiDocumentOptions.operationId} is told about an operation.
 *
 * @example
 * ```ts
 * const named = (op: OperationFacts) => `${op.method.toLowerCase()}${op.className}${op.collection ? 'List' : ''}`;
 * ```
 *
 * @category OpenAPI
 */
export interface OperationFacts {
  /** The handler class's name. */
  readonly className: string;
  /** The `doX` method, e.g. `doGETALL`. */
  readonly methodName: string;
  /** The request method, e.g. `GET`. */
  readonly method: string;
  /** The path template, e.g. `/tasks/{id}`. */
  readonly path: string;
  /** Whether the path is the class's collection root. */
  readonly collection: boolean;
  /**
   * Whether the same `doX` method also answers the class's item paths: an
   * unrouted class's `doPUT` answers `PUT /notes` and `PUT /notes/{path}`.
   */
  readonly shared: boolean;
}

/**
 * The options of {@link openapiDocument}: `info` and what the document
 * says about the API as a whole.
 *
 * @example
 * ```ts
 * const options: OpenApiDocumentOptions = {
 *   info: { title: 'Tasks', version: '1.0.0', license: { name: 'MIT', identifier: 'MIT' } },
 *   servers: [{ url: 'https://tasks.example.org/api' }],
 * };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiDocumentOptions {
  /** The Info Object: title and version are required. */
  readonly info: OpenApiDocumentInfo;
  /** Where the API is reached. Default `[{ url: '/' }]`: the paths as they are, on the document's own origin. */
  readonly servers?: readonly OpenApiServer[];
  /** Security requirements for every operation. Default `[]`: none needs credentials. */
  readonly security?: readonly OpenApiSecurityRequirement[];
  /** The schemes `security` names, as `components.securitySchemes`. */
  readonly securitySchemes?: Readonly<Record<string, object>>;
  /** Tag Objects: a description for the tags operations use. */
  readonly tags?: readonly OpenApiTag[];
  /** The operationId of an operation without `@operation({ operationId })`. Default `Class_doMETHOD`. */
  readonly operationId?: (operation: OperationFacts) => string;
}

/** `Class_doX`, and `Class_doX_root` for the root of a method that also answers item paths. */
function defaultOperationId(facts: OperationFacts): string {
  return `${facts.className}_${facts.methodName}${facts.shared ? '_root' : ''}`;
}

/** The methods an OpenAPI 3.1 Path Item holds, in the order a reader expects them. */
const OPENAPI_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

/**
 * Builds the OpenAPI 3.1.0 document of handler classes mounted at prefixes
 * (the mounts `urlMap` would be given). Each class contributes its
 * collection root (the prefix) and, with `@route`, its item path (prefix +
 * pattern, `:id` as `{id}`); a class without `@route` that has `doXALL`
 * methods gets `{prefix}/{path}` for its `doX` methods. Operations come
 * from the `doX` methods OpenAPI can name, with parameters, bodies and
 * responses from their decorators; their schemas' JSON Schema comes from
 * each library's Standard JSON Schema converter.
 *
 * Pass the result, or a function building it, to `openapiDocs` from
 * `tsgi/middleware/openapi` to serve it with a reference page.
 *
 * @throws TypeError at generation, naming the fix, for a mount that is not
 *   a handler class, a class its plan refuses, a schema without JSON
 *   Schema, an operationId given twice, or two mounts describing one path.
 * @example
 * ```ts
 * import { urlMap } from 'tsgi/middleware/url-map';
 * import { openapiDocs } from 'tsgi/middleware/openapi';
 *
 * const mounts = { '/tasks': Tasks, '/users': Users };
 * const document = openapiDocument(mounts, { info: { title: 'Tasks', version: '1.0.0' } });
 * makeServer('127.0.0.1', 8080, openapiDocs(urlMap(mounts), { document })).serveForever();
 * ```
 *
 * @category OpenAPI
 */
export function openapiDocument(mounts: HandlerMounts, options: OpenApiDocumentOptions): GeneratedOpenApiDocument {
  if (typeof options?.info?.title !== 'string' || typeof options.info.version !== 'string') {
    throw new TypeError('openapiDocument: options.info needs a title and a version, e.g. { info: { title: "Tasks", version: "1.0.0" } }');
  }
  const registry = new SchemaRegistry();
  registry.reserve('ProblemDetails', PROBLEM_DETAILS);
  registry.reserve('ValidationIssue', VALIDATION_ISSUE);
  const builder = new PathsBuilder(registry, options.operationId ?? defaultOperationId);
  for (const [prefix, handlerClass] of flatten(mounts, '')) builder.add(prefix, handlerClass);
  const schemas = registry.components();
  const responses = errorComponents(builder.errors);
  // The generator's own schemas stay only where something refers to them.
  const used = JSON.stringify([builder.paths, responses]);
  if (!used.includes('"#/components/schemas/ProblemDetails"')) delete schemas.ProblemDetails;
  if (!used.includes('"#/components/schemas/ValidationIssue"')) delete schemas.ValidationIssue;
  return {
    openapi: '3.1.0',
    info: options.info,
    servers: options.servers ?? [{ url: '/' }],
    security: options.security ?? [],
    ...(options.tags === undefined ? {} : { tags: options.tags }),
    paths: builder.paths,
    components: {
      ...(Object.keys(schemas).length === 0 ? {} : { schemas }),
      ...(Object.keys(responses).length === 0 ? {} : { responses }),
      ...(options.securitySchemes === undefined ? {} : { securitySchemes: options.securitySchemes }),
    },
  };
}

class PathsBuilder {
  readonly paths: Record<string, OpenApiPathItem> = {};
  readonly errors = new Set<ErrorStatus>();
  private readonly operationIds = new Map<string, string>();
  private readonly shapes = new Map<string, string>();

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly nameOperation: (facts: OperationFacts) => string,
  ) {}

  add(prefix: string, handlerClass: Function): void {
    const plan = classPlan(handlerClass, BaseHandler);
    for (const kind of pathKinds(prefix, plan)) {
      const operations: Partial<Record<OpenApiMethod, OpenApiOperation>> = {};
      // QUERY and extension methods have no place in an OpenAPI 3.1 Path Item.
      for (const method of OPENAPI_METHODS) {
        const methodName = kind.dispatch.methods.get(method);
        if (methodName !== undefined) operations[method.toLowerCase() as OpenApiMethod] = this.operation(handlerClass, plan, kind, method, methodName);
      }
      if (Object.keys(operations).length === 0) continue;
      this.claim(kind.path, handlerClass);
      this.paths[kind.path] = operations;
    }
  }

  /** Refuses a second class at a path template OpenAPI counts as the same one. */
  private claim(path: string, handlerClass: Function): void {
    const shape = path.replace(/\{[^}]*\}/g, '{}');
    const earlier = this.shapes.get(shape);
    if (earlier !== undefined) {
      throw new TypeError(
        `openapiDocument: ${path} of ${handlerClass.name} is the path ${earlier} already describes (OpenAPI tells paths apart by their literal segments only); ` +
          'urlMap sends such requests to the longest prefix alone, so mount one of them elsewhere or give one a different @route',
      );
    }
    this.shapes.set(shape, `${path} of ${handlerClass.name}`);
  }

  private operation(handlerClass: Function, plan: ClassPlan, kind: PathKind, method: string, methodName: string): OpenApiOperation {
    const className = handlerClass.name || 'Handler';
    const place = `${className}.${methodName}`;
    const owner = ownerOf(handlerClass.prototype as object, BaseHandler.prototype, methodName);
    const doc = owner === undefined ? undefined : findOperationDoc(owner, methodName);
    const methodPlan = plan.methods.get(methodName) ?? null;
    const inputs = withDeclaredInputs(describeInputs(handlerClass, BaseHandler, methodName, methodPlan, kind.names, this.registry, place), doc, methodPlan, this.registry, place);
    const errors: ErrorStatus[] = [];
    if (inputs.converted || inputs.requestBody !== undefined) errors.push(400);
    if (!kind.collection) errors.push(404);
    const readsBody = methodPlan?.readsBody === true || methodPlan?.accepts !== undefined || methodPlan?.bodyLimit !== undefined || doc?.body !== undefined || doc?.fields !== undefined;
    if (readsBody) errors.push(413);
    if (inputs.requestBody !== undefined) errors.push(415);
    if (inputs.validated) errors.push(422);
    // A status @operation describes itself is its own response, not the shared one.
    const shared = errors.filter((status) => doc?.responses?.[status] === undefined);
    for (const status of shared) this.errors.add(status);
    const responses = describeResponses({ httpMethod: method, plan: methodPlan, doc, errors: shared, place }, this.registry);
    const operationId = doc?.operationId ?? this.nameOperation({ className, methodName, method, path: kind.path, collection: kind.collection, shared: kind.items?.methods.get(method) === methodName });
    if (typeof operationId !== 'string' || !/^[A-Za-z0-9._~-]+$/.test(operationId)) {
      throw new TypeError(`openapiDocument: the operationId option gave ${JSON.stringify(operationId)} for ${method} ${kind.path} (${place}); it must give a non-empty, URL-safe string (letters, digits, . _ ~ -)`);
    }
    const earlier = this.operationIds.get(operationId);
    const here = `${method} ${kind.path} (${place})`;
    if (earlier !== undefined) {
      throw new TypeError(
        `openapiDocument: operationId ${JSON.stringify(operationId)} is given to ${earlier} and to ${here}; operationIds must be unique: ` +
          "give one @operation({ operationId: '…' }), or pass an operationId option that tells them apart (a class mounted twice needs one that uses the path)",
      );
    }
    this.operationIds.set(operationId, here);
    return {
      operationId,
      summary: doc?.summary ?? place,
      ...(doc?.description === undefined ? {} : { description: doc.description }),
      tags: doc?.tags ?? [className],
      ...(doc?.deprecated === true ? { deprecated: true } : {}),
      parameters: inputs.parameters,
      ...(inputs.requestBody === undefined ? {} : { requestBody: inputs.requestBody }),
      responses,
    };
  }
}
