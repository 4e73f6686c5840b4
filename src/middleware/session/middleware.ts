/**
 * The `sessions` middleware: a session per visitor at
 * `environ['tsgi.session']`, named by a signed cookie or sealed inside it.
 *
 * @module
 */
import { toApp, wrapApp } from '../../gateway/app.js';
import { isBody } from '../../gateway/body.js';
import { logError } from '../../gateway/errors.js';
import { proxyBody } from '../../gateway/response/body-proxy.js';
import type { App, AppLike, Body, Environ, StartResponse } from '../../gateway/types.js';
import { SessionSaving } from './body-saving.js';
import { plainHeaders, SessionExchange, UNAVAILABLE_BODY } from './exchange.js';
import { loadSession } from './loading.js';
import type { CookieStore } from './cookie-store.js';
import { configure, type SessionOptions } from './options.js';
import { SessionState, type LoadedSession } from './session-state.js';

export type { SessionOptions } from './options.js';

/**
 * Gives the wrapped app a session per visitor at `environ['tsgi.session']`
 * (see the gateway's `Session` type), carried by a signed cookie. Works with
 * any App or app class.
 *
 * **Cookie.** With a server-side store, the value is `<id>.<HMAC-SHA256
 * tag>`, checked in constant time; ids are 192 random bits. With a
 * {@link CookieStore}, and for a new session waiting to be stored (see
 * `deferNewSessions`), the value is the session itself, sealed with
 * AES-256-GCM (keys from `secrets` through HKDF, a random 96-bit IV per
 * cookie, the expiry inside the authenticated payload). It is sent
 * `HttpOnly`, `SameSite=Lax`, `Path` = the `SCRIPT_NAME` the request arrived
 * with (or `/`), and `Secure` when `tsgi.url_scheme` is `https`, with no
 * `Max-Age` (it ends with the browser; the timeouts are enforced here).
 *
 * **Laziness.** A session is stored only once the app writes to it: an
 * empty new session is never stored and gets no cookie, and reading one
 * stores nothing. With a server-side store, a new session the app wrote to
 * first travels sealed in its cookie, and reaches the store only when the
 * visitor sends the cookie back and the app changes it again: requests that
 * return no cookies, however many, store nothing. A request without a valid
 * cookie never reaches the store; one with a signed id has its record read
 * before the app runs, since the `Session` methods are synchronous.
 *
 * **Saving.** Nothing is written unless the session changed (including
 * in-place changes to objects read from it) or its idle timeout needs
 * renewing (see `touchAfter`). The write happens when the response body
 * ends, or when the server closes it early, and before the body reports its
 * end to the server, so the visitor's next request always sees it. An app
 * that throws (or whose body throws) has its session changes discarded.
 * The `Set-Cookie` header is decided as late as possible: this layer holds
 * the app's `startResponse` back until its first non-empty output (which is
 * when headers go out anyway). A change the cookie must carry (a new
 * session, or any change to a sealed one) made only after output has begun
 * cannot reach it; it is dropped and logged to `tsgi.errors`.
 *
 * **Cookie size.** A sealed session whose `Set-Cookie` would exceed 4096
 * bytes (RFC 6265 §6.1; a {@link CookieStore} may set less) is refused
 * before the head goes out: the response becomes `500` with a text body
 * naming the limit, and the error is logged to `tsgi.errors`. With a
 * server-side store, such a new session is stored at once instead.
 *
 * **Bad input.** A missing, malformed, oversized, forged, tampered,
 * truncated or expired cookie, or one made under a secret no longer in
 * `secrets`, gives a new, empty session (and the bad cookie is expired);
 * never an error, never another visitor's data.
 *
 * **Store failures.** A failed read answers `503 Service Unavailable` with
 * `Retry-After: 5` without running the app (a fresh session would log the
 * visitor out for good by replacing their cookie). A failed write answers
 * 503 instead of the app's response when no output has gone out yet; after
 * that, the body throws and the server aborts the response. Both are logged
 * to `tsgi.errors`.
 *
 * Concurrent requests of one visitor each save their own copy; the last
 * to finish wins. Where an outer layer has already put a session in the
 * environ, this one passes the request straight through, so an app that
 * brings its own `sessions` can be mounted in a site that has one.
 *
 * Behind a reverse proxy, put `proxyHeaders` outside this layer so that
 * `Secure` and `Path` follow the forwarded scheme and prefix.
 *
 * @throws TypeError for missing or short secrets, a bad cookie name or
 *   non-positive timeouts.
 * @example
 * ```ts
 * const counter: App = (environ, startResponse) => {
 *   const session = environ['tsgi.session']!;
 *   const count = Number(session.get('count') ?? 0) + 1;
 *   session.set('count', count);
 *   startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
 *   return [`You have been here ${count} times!\n`];
 * };
 * makeServer('127.0.0.1', 8080, sessions(counter, { secrets: [process.env.SESSION_SECRET!] })).serveForever();
 * ```
 *
 * @category Middleware
 */
export function sessions(app: AppLike, options: SessionOptions): App {
  const inner = toApp(app);
  const config = configure(options);

  // No async function: a request whose cookie needs no store read, and
  // whose session needs no write, then passes without a promise.
  return wrapApp(app, function withSession(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    // An outer sessions layer already serves this request: a second cookie
    // of the same name would fight it, so this layer steps aside.
    if (environ['tsgi.session'] !== undefined) return inner(environ, startResponse);
    const isHead = environ.REQUEST_METHOD === 'HEAD';
    const unavailable = (error: unknown): Body => {
      logError(environ['tsgi.errors'], error, 'session: reading the session store failed; answered 503');
      startResponse('503 Service Unavailable', plainHeaders(UNAVAILABLE_BODY, [['Retry-After', '5']]));
      return isHead ? [] : [UNAVAILABLE_BODY];
    };
    let loaded: LoadedSession | Promise<LoadedSession>;
    try {
      loaded = loadSession(environ, config, Date.now());
    } catch (error) {
      return unavailable(error);
    }
    if (loaded instanceof Promise) return loaded.then((found) => serve(found, environ, startResponse, isHead), unavailable);
    return serve(loaded, environ, startResponse, isHead);
  });

  function serve(loaded: LoadedSession, environ: Environ, startResponse: StartResponse, isHead: boolean): Body | Promise<Body> {
    const state = new SessionState(loaded, Date.now());
    environ['tsgi.session'] = state;
    const exchange = new SessionExchange(state, config, environ, startResponse, isHead);
    const body = inner(environ, exchange.response.startResponse);
    return body instanceof Promise ? body.then((resolved) => finish(exchange, resolved, isHead)) : finish(exchange, body, isHead);
  }

  function finish(exchange: SessionExchange, body: unknown, isHead: boolean): Body | Promise<Body> {
    if (!isBody(body)) {
      // Not ours to judge: the server reports it.
      return (exchange.release() ?? body) as Body;
    }
    // An array is inert: the app has finished with the session already, so
    // it can be saved now and the array sent as it is (keeping its
    // Content-Length).
    if (Array.isArray(body)) {
      if (exchange.response.head === undefined) return body;
      const instead = exchange.commit();
      return instead instanceof Promise ? instead.then((chunks) => chunks ?? body) : (instead ?? body);
    }
    return proxyBody(body, new SessionSaving(exchange, isHead), { async: true });
  }
}
