/**
 * The response headers that tell browsers to hold a page to safer defaults:
 * no type sniffing, a referrer trimmed across origins, no framing by other
 * sites, and HTTPS only once a site has been reached over it.
 *
 * @module
 */
import { toApp, wrapApp } from '../../gateway/app.js';
import { HeldResponse } from '../../gateway/response/start.js';
import type { App, AppLike, Environ, ResponseHeaders, StartResponse } from '../../gateway/types.js';

/**
 * `Strict-Transport-Security` settings (RFC 6797).
 *
 * @example
 * ```ts
 * const hsts: StrictTransportSecurity = { maxAge: 365 * 24 * 60 * 60, includeSubDomains: true, preload: true };
 * ```
 *
 * @category Middleware
 */
export interface StrictTransportSecurity {
  /** Seconds the browser keeps to https for this host (default 15552000, 180 days). */
  maxAge?: number;
  /** Extends the rule to every subdomain (default false). */
  includeSubDomains?: boolean;
  /**
   * Asks to be listed in the browsers' preload lists (default false). The
   * lists require `includeSubDomains` and a `maxAge` of at least a year.
   */
  preload?: boolean;
}

/**
 * Options for {@link securityHeaders}. Each header can be set to `false` to
 * leave it out.
 *
 * @example
 * ```ts
 * const options: SecurityHeadersOptions = {
 *   contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'",
 *   frameOptions: 'DENY',
 *   crossOriginOpenerPolicy: 'same-origin',
 * };
 * ```
 *
 * @category Middleware
 */
export interface SecurityHeadersOptions {
  /** `X-Content-Type-Options: nosniff` (default true). */
  nosniff?: boolean;
  /** `Referrer-Policy` (default `strict-origin-when-cross-origin`). */
  referrerPolicy?: string | false;
  /**
   * `Content-Security-Policy` (default `frame-ancestors 'self'`: only pages of
   * this origin may frame this one). A whole policy may be given instead.
   */
  contentSecurityPolicy?: string | false;
  /**
   * `X-Frame-Options`, the framing rule of browsers that predate CSP's
   * `frame-ancestors` (default `SAMEORIGIN`, matching the default policy).
   */
  frameOptions?: 'SAMEORIGIN' | 'DENY' | false;
  /** `Strict-Transport-Security`, sent only on https requests (default: 180 days, no subdomains, no preload). */
  strictTransportSecurity?: StrictTransportSecurity | false;
  /** `Cross-Origin-Opener-Policy` (default: not sent). */
  crossOriginOpenerPolicy?: 'same-origin' | 'same-origin-allow-popups' | 'unsafe-none' | false;
}

/** The default HSTS lifetime: 180 days, in seconds. */
const DEFAULT_HSTS_MAX_AGE = 180 * 24 * 60 * 60;
const PRELOAD_MIN_MAX_AGE = 365 * 24 * 60 * 60;

/**
 * Adds security headers to every response of `app`:
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy`,
 * `Content-Security-Policy: frame-ancestors 'self'` with
 * `X-Frame-Options: SAMEORIGIN`, `Strict-Transport-Security` when
 * `tsgi.url_scheme` is `https`, and `Cross-Origin-Opener-Policy` when asked
 * for. A header the app set itself (in any letter case) is left as the app
 * set it, so a page that needs another policy just sends its own; error
 * pages and replacements made with `excInfo` get the headers too.
 *
 * HSTS over plain http means nothing to browsers (RFC 6797 §8.1), so it is
 * sent only on https. Behind a TLS-terminating proxy, put `proxyHeaders`
 * outside this layer so that `tsgi.url_scheme` says `https`.
 *
 * @throws TypeError for a header value that is not printable ASCII, a
 *   negative or fractional `maxAge`, or `preload` without `includeSubDomains`
 *   and a `maxAge` of a year or more.
 * @example
 * ```ts
 * const app = securityHeaders(site, { crossOriginOpenerPolicy: 'same-origin' });
 * makeServer('127.0.0.1', 8080, app).serveForever();
 * ```
 *
 * @category Middleware
 */
export function securityHeaders(app: AppLike, options: SecurityHeadersOptions = {}): App {
  const inner = toApp(app);
  const always = fixedHeaders(options);
  const hsts = hstsValue(options.strictTransportSecurity);
  return wrapApp(app, function withSecurityHeaders(environ: Environ, startResponse: StartResponse) {
    const added: ResponseHeaders = hsts !== undefined && environ['tsgi.url_scheme'] === 'https' ? [...always, ['Strict-Transport-Security', hsts]] : always;
    const held = new HeldResponse(startResponse, environ.REQUEST_METHOD === 'HEAD', (head) => withMissing(head.headers, added));
    // Nothing here depends on the body, so the head is passed on as soon as
    // the app gives it: a sync body stays sync, and the edit still applies
    // to a replacement the app makes later with excInfo.
    return inner(environ, (status, headers, excInfo) => {
      held.startResponse(status, headers, excInfo);
      return held.release();
    });
  });
}

/** `headers` plus each of `added` whose name the app did not use. */
function withMissing(headers: ResponseHeaders, added: ResponseHeaders): ResponseHeaders {
  const present = new Set(headers.map(([name]) => name.toLowerCase()));
  const missing = added.filter(([name]) => !present.has(name.toLowerCase()));
  return missing.length === 0 ? headers : [...headers, ...missing];
}

function fixedHeaders(options: SecurityHeadersOptions): ResponseHeaders {
  const headers: [string, string][] = [];
  if (options.nosniff ?? true) headers.push(['X-Content-Type-Options', 'nosniff']);
  const referrer = options.referrerPolicy ?? 'strict-origin-when-cross-origin';
  if (referrer !== false) headers.push(['Referrer-Policy', referrer]);
  const policy = options.contentSecurityPolicy ?? "frame-ancestors 'self'";
  if (policy !== false) headers.push(['Content-Security-Policy', policy]);
  const frame = options.frameOptions ?? 'SAMEORIGIN';
  if (frame !== false) headers.push(['X-Frame-Options', frame]);
  const opener = options.crossOriginOpenerPolicy ?? false;
  if (opener !== false) headers.push(['Cross-Origin-Opener-Policy', opener]);
  for (const [name, value] of headers) {
    if (!/^[\u0020-\u007e]+$/.test(value)) {
      throw new TypeError(`securityHeaders: ${name} must be printable ASCII and not empty, got ${JSON.stringify(value)}`);
    }
  }
  return headers;
}

function hstsValue(setting: StrictTransportSecurity | false | undefined): string | undefined {
  if (setting === false) return undefined;
  const maxAge = setting?.maxAge ?? DEFAULT_HSTS_MAX_AGE;
  if (!Number.isInteger(maxAge) || maxAge < 0) {
    throw new TypeError(`securityHeaders: strictTransportSecurity.maxAge must be a whole number of seconds, got ${String(maxAge)}`);
  }
  const includeSubDomains = setting?.includeSubDomains ?? false;
  const preload = setting?.preload ?? false;
  if (preload && (!includeSubDomains || maxAge < PRELOAD_MIN_MAX_AGE)) {
    throw new TypeError('securityHeaders: preload needs includeSubDomains and a maxAge of at least 31536000 seconds (one year), as the preload lists require');
  }
  return `max-age=${maxAge}${includeSubDomains ? '; includeSubDomains' : ''}${preload ? '; preload' : ''}`;
}
