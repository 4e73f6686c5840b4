/**
 * Cross-origin resource sharing (the Fetch standard's CORS protocol): which
 * other origins' pages may read this app's responses.
 *
 * @module
 */
import { toApp, wrapApp } from '../../gateway/app.js';
import { HeldResponse } from '../../gateway/response/start.js';
import type { App, AppLike, Environ, ResponseHeaders, StartResponse } from '../../gateway/types.js';
import { addVary } from '../../gateway/vary.js';
import { CorsPolicy, type CorsOptions } from './policy.js';

/**
 * Lets pages of the allowed origins read `app`'s responses.
 *
 * **Preflights** (`OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`) are answered here, `204 No Content`,
 * without calling the app: for an allowed origin with
 * `Access-Control-Allow-Origin` (the origin itself, or `*` when any origin is
 * allowed without credentials), `-Allow-Methods`, `-Allow-Headers`,
 * `-Max-Age` and `-Allow-Credentials` as configured. Every preflight answer
 * says `Vary: Origin, Access-Control-Request-Method,
 * Access-Control-Request-Headers`.
 *
 * **Other requests** with an allowed `Origin` go to the app, and its
 * response gets `Access-Control-Allow-Origin`, `-Allow-Credentials` and
 * `-Expose-Headers`; an app that set `Access-Control-Allow-Origin` itself
 * keeps its own CORS headers. Unless the answer is `*`, every response says
 * `Vary: Origin`, so a cache never hands one origin's answer to another.
 *
 * **A disallowed origin** gets no CORS headers at all, so the browser
 * withholds the response from the page (a `TypeError` in `fetch`). Its
 * preflight is answered 204 all the same, without them: the Fetch
 * standard's CORS check then fails and the browser never sends the request
 * itself, while the app is spared OPTIONS requests it never asked for.
 *
 * CORS decides what a page may read, not what a server does: a form or a
 * `no-cors` request still arrives. Put `csrf` around this layer's app,
 * with the allowed origins among its `trustedOrigins`, to refuse unsafe
 * cross-origin requests.
 *
 * @throws TypeError for a malformed origin, a method or header name that is
 *   not an HTTP token, or a negative or fractional `maxAge`.
 * @example
 * ```ts
 * const api = cors(entries, {
 *   origins: ['https://app.example.com'],
 *   methods: ['GET', 'PUT', 'DELETE'],
 *   headers: ['Content-Type'],
 *   maxAge: 600,
 * });
 * ```
 *
 * @category Middleware
 */
export function cors(app: AppLike, options: CorsOptions): App {
  const inner = toApp(app);
  const policy = new CorsPolicy(options);
  return wrapApp(app, function withCors(environ: Environ, startResponse: StartResponse) {
    const origin = environ.HTTP_ORIGIN;
    if (origin !== undefined && environ.REQUEST_METHOD === 'OPTIONS' && environ.HTTP_ACCESS_CONTROL_REQUEST_METHOD !== undefined) {
      startResponse('204 No Content', preflightHeaders(policy, origin, environ));
      return [];
    }
    const allowed = origin === undefined ? undefined : policy.allowOrigin(origin, environ);
    const held = new HeldResponse(startResponse, environ.REQUEST_METHOD === 'HEAD', (head) => actualHeaders(policy, allowed, head.headers));
    // The headers depend on the request alone, so the head goes on at once.
    return inner(environ, (status, headers, excInfo) => {
      held.startResponse(status, headers, excInfo);
      return held.release();
    });
  });
}

function preflightHeaders(policy: CorsPolicy, origin: string, environ: Environ): ResponseHeaders {
  const headers: ResponseHeaders = [];
  const allowed = policy.allowOrigin(origin, environ);
  if (allowed !== undefined) {
    headers.push(['Access-Control-Allow-Origin', allowed]);
    if (policy.credentials) headers.push(['Access-Control-Allow-Credentials', 'true']);
    headers.push(['Access-Control-Allow-Methods', policy.methods]);
    if (policy.headers !== undefined) headers.push(['Access-Control-Allow-Headers', policy.headers]);
    if (policy.maxAge !== undefined) headers.push(['Access-Control-Max-Age', policy.maxAge]);
  }
  headers.push(['Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers']);
  return headers;
}

function actualHeaders(policy: CorsPolicy, allowed: string | undefined, appHeaders: ResponseHeaders): ResponseHeaders {
  const headers: ResponseHeaders = [...appHeaders];
  const own = appHeaders.some(([name]) => name.toLowerCase() === 'access-control-allow-origin');
  if (allowed !== undefined && !own) {
    headers.push(['Access-Control-Allow-Origin', allowed]);
    if (policy.credentials) headers.push(['Access-Control-Allow-Credentials', 'true']);
    if (policy.exposeHeaders !== undefined) headers.push(['Access-Control-Expose-Headers', policy.exposeHeaders]);
  }
  if (!policy.wildcard) addVary(headers, 'Origin');
  return headers;
}
