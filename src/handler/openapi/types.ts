/**
 * The parts of an OpenAPI 3.1 document that the generator writes, typed so
 * that a test or a tool reading the document can walk it without casts.
 *
 * @module
 */

/**
 * A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), as a plain
 * object of keywords.
 *
 * @example
 * ```ts
 * const page: JsonSchema = { type: 'integer', minimum: 1, default: 1 };
 * ```
 *
 * @category OpenAPI
 */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * A Reference Object: a `$ref` to a component of the same document.
 *
 * @example
 * ```ts
 * const notFound: OpenApiReference = { $ref: '#/components/responses/NotFound' };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiReference {
  /** A JSON Pointer into the document, e.g. `#/components/schemas/Task`. */
  readonly $ref: string;
}

/**
 * A Parameter Object.
 *
 * @example
 * ```ts
 * const id: OpenApiParameter = { name: 'id', in: 'path', required: true, schema: { type: 'number' } };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiParameter {
  /** The name, as it appears in the path template, query, header or cookie. */
  readonly name: string;
  /** Where the value is sent. */
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  /** Whether a request must send it; always `true` for a path parameter. */
  readonly required: boolean;
  /** A note, e.g. that a `*rest` path parameter may hold slashes (sent as `%2F`). */
  readonly description?: string;
  /** The type of the value. */
  readonly schema: JsonSchema;
}

/**
 * A Media Type Object: the schema of one content type.
 *
 * @example
 * ```ts
 * const json: OpenApiMediaType = { schema: { type: 'object' } };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiMediaType {
  /** What a body of this type holds. */
  readonly schema: JsonSchema;
}

/**
 * A Request Body Object.
 *
 * @example
 * ```ts
 * const body: OpenApiRequestBody = { required: true, content: { 'application/json': { schema: { type: 'object' } } } };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiRequestBody {
  /** Whether a request must carry a body. */
  readonly required: boolean;
  /** The accepted media types (`type/*` stands for a whole type). */
  readonly content: Readonly<Record<string, OpenApiMediaType>>;
}

/**
 * A Header Object of a response.
 *
 * @example
 * ```ts
 * const cache: OpenApiHeader = { schema: { type: 'string', const: 'no-store' } };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiHeader {
  /** The header's value. */
  readonly schema: JsonSchema;
}

/**
 * A Response Object.
 *
 * @example
 * ```ts
 * const created: OpenApiResponse = { description: 'Created', content: { 'application/json': { schema: {} } } };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiResponse {
  /** What the response means; required by OpenAPI. */
  readonly description: string;
  /** Headers the response carries. */
  readonly headers?: Readonly<Record<string, OpenApiHeader>>;
  /** The body by media type; absent for a response without one. */
  readonly content?: Readonly<Record<string, OpenApiMediaType>>;
}

/**
 * An Operation Object: one request method at one path.
 *
 * @example
 * ```ts
 * const op: OpenApiOperation = { operationId: 'Tasks_doGET', summary: 'One task', tags: ['Tasks'], parameters: [], responses: { '200': { description: 'OK' } } };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiOperation {
  /** Unique across the document. */
  readonly operationId: string;
  /** One line; by default `Class.doMETHOD`. */
  readonly summary: string;
  /** CommonMark. */
  readonly description?: string;
  /** The groups the operation is listed in; by default its class's name. */
  readonly tags: readonly string[];
  /** Whether clients should stop using it. */
  readonly deprecated?: boolean;
  /** Path, query, header and cookie parameters. */
  readonly parameters: readonly OpenApiParameter[];
  /** The body it reads. */
  readonly requestBody?: OpenApiRequestBody;
  /** Responses by status code. */
  readonly responses: Readonly<Record<string, OpenApiResponse | OpenApiReference>>;
}

/**
 * The lower-case request methods an OpenAPI 3.1 Path Item can hold.
 *
 * @example
 * ```ts
 * const method: OpenApiMethod = 'get';
 * ```
 *
 * @category OpenAPI
 */
export type OpenApiMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

/**
 * A Path Item Object: the operations at one path template.
 *
 * @example
 * ```ts
 * const item: OpenApiPathItem = {};
 * ```
 *
 * @category OpenAPI
 */
export type OpenApiPathItem = { readonly [method in OpenApiMethod]?: OpenApiOperation };

/**
 * A Tag Object: a group of operations, with what it is.
 *
 * @example
 * ```ts
 * const tag: OpenApiTag = { name: 'Tasks', description: 'The to-do list' };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiTag {
  /** The name operations list in their `tags`. */
  readonly name: string;
  /** CommonMark. */
  readonly description?: string;
}

/**
 * A Server Object: where the API is reached.
 *
 * @example
 * ```ts
 * const server: OpenApiServer = { url: 'https://api.example.org/v1', description: 'production' };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiServer {
  /** The base URL; the paths are appended to it. */
  readonly url: string;
  /** Which server this is. */
  readonly description?: string;
}

/**
 * A Security Requirement Object: scheme names from
 * `components.securitySchemes`, each with its scopes.
 *
 * @example
 * ```ts
 * const bearer: OpenApiSecurityRequirement = { bearer: [] };
 * ```
 *
 * @category OpenAPI
 */
export type OpenApiSecurityRequirement = Readonly<Record<string, readonly string[]>>;

/**
 * The Components Object the generator writes.
 *
 * @example
 * ```ts
 * const components: OpenApiComponents = { schemas: { Task: { type: 'object' } } };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiComponents {
  /** Named schemas: the problem details schema, and those the app's schemas name. */
  readonly schemas?: Readonly<Record<string, JsonSchema>>;
  /** The error responses operations refer to. */
  readonly responses?: Readonly<Record<string, OpenApiResponse>>;
  /** Security Scheme Objects, as given in the options. */
  readonly securitySchemes?: Readonly<Record<string, object>>;
}

/**
 * The Info Object: what the API is called and which version of it the
 * document describes.
 *
 * @example
 * ```ts
 * const info: OpenApiDocumentInfo = { title: 'Tasks', version: '1.0.0', license: { name: 'MIT', identifier: 'MIT' } };
 * ```
 *
 * @category OpenAPI
 */
export interface OpenApiDocumentInfo {
  /** The API's name. */
  readonly title: string;
  /** The version of the API (not of OpenAPI). */
  readonly version: string;
  /** One line. */
  readonly summary?: string;
  /** CommonMark. */
  readonly description?: string;
  /** A URL. */
  readonly termsOfService?: string;
  /** The Contact Object. */
  readonly contact?: {
    /** Who answers for the API. */
    readonly name?: string;
    /** Where to find them. */
    readonly url?: string;
    /** Their address. */
    readonly email?: string;
  };
  /** The License Object: a name, and an SPDX `identifier` or a `url`. */
  readonly license?: {
    /** E.g. `MIT`. */
    readonly name: string;
    /** The SPDX expression, e.g. `MIT`. */
    readonly identifier?: string;
    /** Where the licence text is. */
    readonly url?: string;
  };
}

/**
 * An OpenAPI 3.1.0 document as {@link openapiDocument} builds it.
 *
 * @example
 * ```ts
 * const doc: GeneratedOpenApiDocument = openapiDocument({ '/tasks': Tasks }, { info: { title: 'Tasks', version: '1' } });
 * doc.paths['/tasks/{id}']?.get?.operationId; // 'Tasks_doGET'
 * ```
 *
 * @category OpenAPI
 */
export interface GeneratedOpenApiDocument {
  /** Always `3.1.0`. */
  readonly openapi: '3.1.0';
  /** As given. */
  readonly info: OpenApiDocumentInfo;
  /** As given, or `[{ url: '/' }]`. */
  readonly servers: readonly OpenApiServer[];
  /** As given, or `[]`: no operation asks for credentials. */
  readonly security: readonly OpenApiSecurityRequirement[];
  /** As given; present only when given. */
  readonly tags?: readonly OpenApiTag[];
  /** Path templates, in the order of the mounts. */
  readonly paths: Readonly<Record<string, OpenApiPathItem>>;
  /** The schemas and responses the operations refer to. */
  readonly components: OpenApiComponents;
}
