/**
 * Which browser requests come from another origin, judged from the headers
 * browsers set and pages cannot forge: `Sec-Fetch-Site` (Fetch Metadata),
 * else `Origin` against the request's own host.
 *
 * @module
 */
import type { Environ } from '../../gateway/types.js';

/**
 * A request the check lets through regardless of where it comes from: a
 * path (`/hooks/` for a subtree, `/ping` for one path), optionally after a
 * method (`POST /hooks/`), or a function of the environ.
 *
 * @example
 * ```ts
 * const rules: BypassRule[] = ['POST /webhooks/', (environ) => environ.PATH_INFO === '/beacon'];
 * ```
 *
 * @category Helpers
 */
export type BypassRule = string | ((environ: Environ) => boolean);

/** The methods that must not change state (RFC 9110 §9.2.1), so they always pass. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The cross-origin rules, with the trusted origins and bypass rules
 * checked once when built.
 */
export class OriginCheck {
  readonly #trusted: ReadonlySet<string>;
  readonly #bypass: readonly ((environ: Environ) => boolean)[];

  constructor(trustedOrigins: readonly string[], bypass: readonly BypassRule[]) {
    this.#trusted = new Set(trustedOrigins.map(checkedOrigin));
    this.#bypass = bypass.map(bypassMatcher);
  }

  /**
   * Why the request must be refused, or `undefined` when it may pass:
   * safe methods pass; `Sec-Fetch-Site: same-origin` or `none` passes, any
   * other value is refused; without it, a request with no `Origin` passes
   * (it comes from no browser, or from one too old to send either, acting
   * on a same-origin page), and one whose `Origin` names the request's
   * `Host` passes. A trusted origin or a bypass rule lets a refused request
   * through.
   */
  refusal(environ: Environ): string | undefined {
    const method = environ.REQUEST_METHOD;
    if (SAFE_METHODS.has(method)) return undefined;
    const site = environ.HTTP_SEC_FETCH_SITE;
    const origin = environ.HTTP_ORIGIN;
    let reason: string;
    if (site !== undefined && site !== '') {
      if (site === 'same-origin' || site === 'none') return undefined;
      reason = origin === undefined ? `Sec-Fetch-Site is ${site}` : `Origin ${origin} is not allowed (Sec-Fetch-Site: ${site})`;
    } else {
      if (origin === undefined || origin === '') return undefined;
      if (sameHost(origin, environ)) return undefined;
      reason = `Origin ${origin} is not allowed`;
    }
    if (this.#exempt(environ, origin)) return undefined;
    return `cross-origin ${method} refused: ${reason}`;
  }

  #exempt(environ: Environ, origin: string | undefined): boolean {
    if (origin !== undefined && this.#trusted.has(origin.toLowerCase())) return true;
    return this.#bypass.some((matches) => matches(environ));
  }
}

/** Whether `origin`'s host and port are the request's own `Host`. */
function sameHost(origin: string, environ: Environ): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    // `Origin: null` (sandboxed frames, some redirects) names no host.
    return false;
  }
  // The URL parser drops a default port; the Host header may carry one.
  const own = environ.HTTP_HOST ?? `${environ.SERVER_NAME}:${environ.SERVER_PORT}`;
  const host = own.toLowerCase();
  if (url.host === host) return true;
  const defaultPort = url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : undefined;
  return url.port === '' && defaultPort !== undefined && `${url.host}:${defaultPort}` === host;
}

/** An origin as browsers serialise it: `scheme://host[:port]`, lower-cased. */
function checkedOrigin(origin: string): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.origin === 'null' || url.origin !== origin.toLowerCase().replace(/\/$/, '') || origin.endsWith('/')) {
    throw new TypeError(`csrf: trusted origin ${JSON.stringify(origin)} must be scheme://host[:port], with no path, query or trailing slash`);
  }
  return url.origin;
}

function bypassMatcher(rule: BypassRule): (environ: Environ) => boolean {
  if (typeof rule === 'function') return rule;
  const match = /^(?:([A-Z]+) )?(\/\S*)$/.exec(rule);
  if (match === null) throw new TypeError(`csrf: bypass rule ${JSON.stringify(rule)} must be "/path", "/subtree/" or "METHOD /path"`);
  const [, method, path] = match as unknown as [string, string | undefined, string];
  const subtree = path.endsWith('/');
  return (environ) => {
    if (method !== undefined && environ.REQUEST_METHOD !== method) return false;
    const full = environ.SCRIPT_NAME + environ.PATH_INFO;
    // A dot segment could route the request out of the bypassed subtree.
    if (/(^|\/)\.\.?(\/|$)/.test(full)) return false;
    return subtree ? full.startsWith(path) : full === path;
  };
}
