/**
 * The OpenAPI document a server publishes: its shape as far as serving it
 * needs, and its serialisation, validator and title, computed once.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/**
 * The Info Object of an OpenAPI 3.x document: what the API is called and
 * which version of it the document describes.
 *
 * @example
 * ```ts
 * const info: OpenApiInfo = { title: 'Blog', version: '1.2.0', summary: 'Posts and comments' };
 * ```
 *
 * @category Middleware
 */
export interface OpenApiInfo {
  /** The API's name; the reference page's default title. */
  readonly title: string;
  /** The version of the API (not of the OpenAPI specification). */
  readonly version: string;
  /** A one-line summary (OpenAPI 3.1). */
  readonly summary?: string;
  /** A longer description; CommonMark. */
  readonly description?: string;
  /** A URL to the terms of service. */
  readonly termsOfService?: string;
  /** The Contact Object. */
  readonly contact?: object;
  /** The License Object. */
  readonly license?: object;
}

/**
 * An OpenAPI 3.x document, typed only as far as publishing it needs: the
 * fields of the OpenAPI Object are listed so that a document written as an
 * object literal is checked for misspelt top-level names, and any more
 * precise document type (a generator's) is assignable. Specification
 * extensions (`x-…`) at the top level are fine in a document built as a
 * variable first; in an inline literal TypeScript would call them excess.
 *
 * @example
 * ```ts
 * const document: OpenApiDocument = {
 *   openapi: '3.1.0',
 *   info: { title: 'Greeter', version: '1.0.0' },
 *   paths: { '/hello': { get: { operationId: 'hello', responses: { '200': { description: 'A greeting' } } } } },
 * };
 * ```
 *
 * @category Middleware
 */
export interface OpenApiDocument {
  /** The OpenAPI version the document follows, such as `3.1.0`. */
  readonly openapi: string;
  /** What the API is called and its version. */
  readonly info: OpenApiInfo;
  /** The default JSON Schema dialect of the document's schemas (3.1). */
  readonly jsonSchemaDialect?: string;
  /** Server Objects: where the API is reached. */
  readonly servers?: readonly object[];
  /** The Paths Object: operations by path template. */
  readonly paths?: object;
  /** Webhooks the API may call (3.1). */
  readonly webhooks?: object;
  /** The Components Object: reusable schemas, responses, parameters… */
  readonly components?: object;
  /** Security requirements that apply to every operation. */
  readonly security?: readonly object[];
  /** Tag Objects: the groups operations are listed in. */
  readonly tags?: readonly object[];
  /** Further documentation. */
  readonly externalDocs?: object;
}

/**
 * A document, or a function that builds it (perhaps asynchronously) when it
 * is first asked for: a server then starts without building it, and a
 * document generated from handler classes is built once, after they are all
 * defined.
 *
 * @example
 * ```ts
 * const eager: OpenApiDocumentSource = { openapi: '3.1.0', info: { title: 'Blog', version: '1' }, paths: {} };
 * const lazy: OpenApiDocumentSource = () => ({ openapi: '3.1.0', info: { title: 'Blog', version: '1' }, paths: {} });
 * ```
 *
 * @category Middleware
 */
export type OpenApiDocumentSource = OpenApiDocument | (() => OpenApiDocument | Promise<OpenApiDocument>);

/** A document ready to send: its JSON bytes, a strong ETag over them, and its title. */
export interface SerialisedDocument {
  readonly json: Buffer;
  readonly etag: string;
  readonly title: string;
}

/** A strong ETag over `bytes`: equal bytes, equal tag, across restarts and processes. */
export function contentEtag(bytes: Buffer): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
}

/**
 * Checks that `value` looks like an OpenAPI 3.x document and serialises it.
 * The checks catch the setups that would otherwise only show as an empty
 * reference page: a function passed where its result was meant, a Swagger
 * 2.0 document, a document that cannot be JSON.
 */
export function serialiseDocument(value: unknown, origin: string): SerialisedDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`openapiDocs: ${origin} is ${describe(value)}, not an OpenAPI document object`);
  }
  const { openapi, info } = value as { openapi?: unknown; info?: unknown };
  if (typeof openapi !== 'string' || !/^3\.\d+\.\d+/.test(openapi)) {
    throw new TypeError(`openapiDocs: ${origin} has openapi: ${describe(openapi)}; an OpenAPI 3.x document starts with openapi: '3.1.0' (or another 3.x version)`);
  }
  const title = typeof info === 'object' && info !== null ? (info as { title?: unknown }).title : undefined;
  if (typeof title !== 'string') {
    throw new TypeError(`openapiDocs: ${origin} has no info.title; OpenAPI requires info: { title, version }`);
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`openapiDocs: ${origin} cannot be serialised as JSON (${error instanceof Error ? error.message : String(error)}); use $ref for shared parts instead of shared objects that form a cycle`);
  }
  const json = Buffer.from(text, 'utf8');
  return { json, etag: contentEtag(json), title };
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return `a ${typeof value}`;
}

/**
 * The document of a source, serialised once. An object is checked and
 * serialised at once, so a bad one stops the server from starting; a
 * function is called at the first request, and again after it failed, so a
 * passing fault (a generator reading a file) does not stick.
 */
export class PublishedDocument {
  private ready: Promise<SerialisedDocument> | undefined;

  constructor(private readonly source: OpenApiDocumentSource) {
    if (typeof source !== 'function') this.ready = Promise.resolve(serialiseDocument(source, 'the document'));
  }

  /** The serialised document; rejects with the reason it could not be built. */
  get(): Promise<SerialisedDocument> {
    const source = this.source;
    if (this.ready === undefined && typeof source === 'function') {
      const building = (async () => serialiseDocument(await source(), 'the document function\'s result'))();
      this.ready = building;
      building.catch(() => {
        if (this.ready === building) this.ready = undefined;
      });
    }
    return this.ready!;
  }
}
