/**
 * A CORS policy checked once: which origins may read responses, and the
 * header values that say so.
 *
 * @module
 */
import type { Environ } from '../../gateway/types.js';

/**
 * Which origins may read this app's responses from their pages: a list of
 * origins (`scheme://host[:port]`), `'*'` for any, or a function deciding
 * per request.
 *
 * @example
 * ```ts
 * const origins: CorsOrigins = (origin) => origin.endsWith('.example.com') && origin.startsWith('https://');
 * ```
 *
 * @category Middleware
 */
export type CorsOrigins = readonly string[] | '*' | ((origin: string, environ: Environ) => boolean);

/**
 * Options for {@link cors}.
 *
 * @example
 * ```ts
 * const options: CorsOptions = {
 *   origins: ['https://app.example.com'],
 *   methods: ['GET', 'PUT', 'DELETE'],
 *   headers: ['Content-Type', 'Authorization'],
 *   exposeHeaders: ['ETag'],
 *   credentials: true,
 *   maxAge: 600,
 * };
 * ```
 *
 * @category Middleware
 */
export interface CorsOptions {
  /** The origins allowed. */
  origins: CorsOrigins;
  /** Methods a preflight allows (default GET, HEAD, POST). */
  methods?: readonly string[];
  /** Request headers a preflight allows beyond the CORS-safelisted ones (default none). */
  headers?: readonly string[];
  /** Response headers pages may read beyond the safelisted ones (default none). */
  exposeHeaders?: readonly string[];
  /** Allow cookies and HTTP authentication on cross-origin requests (default false). */
  credentials?: boolean;
  /** Seconds a browser may cache a preflight answer (default: not sent, which browsers take as 5 s). */
  maxAge?: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The options checked, with the header values built. */
export class CorsPolicy {
  readonly #origins: CorsOrigins;
  readonly #listed: ReadonlySet<string>;
  readonly credentials: boolean;
  readonly methods: string;
  readonly headers: string | undefined;
  readonly exposeHeaders: string | undefined;
  readonly maxAge: string | undefined;

  constructor(options: CorsOptions) {
    const { origins } = options;
    if (origins !== '*' && typeof origins !== 'function' && !Array.isArray(origins)) {
      throw new TypeError("cors: origins must be a list of origins, '*' or a function");
    }
    this.#origins = origins;
    this.#listed = new Set(Array.isArray(origins) ? (origins as readonly string[]).map(checkedOrigin) : []);
    this.credentials = options.credentials ?? false;
    this.methods = tokenList('methods', options.methods ?? ['GET', 'HEAD', 'POST']) ?? '';
    this.headers = tokenList('headers', options.headers ?? []);
    this.exposeHeaders = tokenList('exposeHeaders', options.exposeHeaders ?? []);
    const maxAge = options.maxAge;
    if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) {
      throw new TypeError(`cors: maxAge must be a whole number of seconds, got ${String(maxAge)}`);
    }
    this.maxAge = maxAge === undefined ? undefined : String(maxAge);
  }

  /** Whether every origin gets the same answer, `*`, so responses do not vary by Origin. */
  get wildcard(): boolean {
    return this.#origins === '*' && !this.credentials;
  }

  /** The `Access-Control-Allow-Origin` value for `origin`, or `undefined` when it is not allowed. */
  allowOrigin(origin: string, environ: Environ): string | undefined {
    if (this.wildcard) return '*';
    // A credentialed answer must name the origin: browsers refuse `*` then.
    if (this.#origins === '*') return origin;
    if (typeof this.#origins === 'function') return this.#origins(origin, environ) === true ? origin : undefined;
    return this.#listed.has(origin.toLowerCase()) ? origin : undefined;
  }
}

function tokenList(name: string, items: readonly string[]): string | undefined {
  for (const item of items) {
    if (!TOKEN.test(item)) throw new TypeError(`cors: ${name} entry ${JSON.stringify(item)} is not an HTTP token`);
  }
  return items.length === 0 ? undefined : items.join(', ');
}

function checkedOrigin(origin: string): string {
  let serialised: string | undefined;
  try {
    serialised = new URL(origin).origin;
  } catch {
    serialised = undefined;
  }
  if (serialised === undefined || serialised === 'null' || serialised !== origin.toLowerCase()) {
    throw new TypeError(`cors: origin ${JSON.stringify(origin)} must be scheme://host[:port], with no path or trailing slash`);
  }
  return serialised;
}
