/**
 * Cross-site request forgery protection: unsafe requests that a browser
 * sends on behalf of another origin are refused before the app runs.
 *
 * @module
 */
import { toApp, wrapApp } from '../../gateway/app.js';
import { renderError } from '../../gateway/error-page.js';
import { HttpError } from '../../gateway/http-error.js';
import type { App, AppLike, Body, Environ, StartResponse } from '../../gateway/types.js';
import { OriginCheck, type BypassRule } from './origin-check.js';
import { existingToken, sessionToken, submittedToken, tokenConfig, tokensMatch, type CsrfTokenOptions, type TokenConfig } from './tokens.js';

/**
 * Options for {@link csrf}.
 *
 * @example
 * ```ts
 * const options: CsrfOptions = {
 *   trustedOrigins: ['https://admin.example.com'],
 *   bypass: ['POST /webhooks/'],
 *   tokens: true,
 * };
 * ```
 *
 * @category Middleware
 */
export interface CsrfOptions {
  /**
   * Origins whose unsafe requests are let through, as browsers send them:
   * `scheme://host[:port]`, e.g. a separate front end that calls this app.
   */
  trustedOrigins?: readonly string[];
  /** Requests let through from anywhere: webhooks, say, that authenticate otherwise. */
  bypass?: readonly BypassRule[];
  /**
   * Also require a session-bound token on unsafe requests, for browsers
   * that send neither `Sec-Fetch-Site` nor `Origin`. Needs a session layer
   * outside this one. `true` takes the defaults.
   */
  tokens?: boolean | CsrfTokenOptions;
}

/**
 * What {@link csrf} puts at `environ['tsgi.csrf_token']` when tokens are on:
 * a function returning the session's token, made on the first call. A
 * function rather than a string, so that only pages that embed the token
 * store a session.
 *
 * @example
 * ```ts
 * const token = (environ['tsgi.csrf_token'] as CsrfToken)();
 * const field = `<input type="hidden" name="csrf_token" value="${token}">`;
 * ```
 *
 * @category Middleware
 */
export type CsrfToken = () => string;

/**
 * Refuses unsafe requests (every method but GET, HEAD and OPTIONS) that a
 * browser sends from another origin, with `403 Forbidden` and a message
 * saying why (`cross-origin POST refused: Origin https://evil.test is not
 * allowed`), rendered as every error page is, by `Accept`. The app is not
 * called for them. The rules:
 *
 * 1. GET, HEAD and OPTIONS pass: they must not change state.
 * 2. `Sec-Fetch-Site: same-origin` or `none` (the user typed the address)
 *    passes; `same-site` and `cross-site` are refused, since a sibling
 *    subdomain is another origin.
 * 3. Without `Sec-Fetch-Site`, an `Origin` whose host and port are the
 *    request's `Host` passes; another `Origin` (or `null`) is refused.
 * 4. A request with neither header passes: no browser acting for another
 *    site sends such a request (curl, scripts and old browsers on the same
 *    page do).
 * 5. A refused request whose `Origin` is one of `trustedOrigins`, or that
 *    matches a `bypass` rule, passes after all.
 *
 * The scheme is not compared, so a TLS-terminating proxy needs no
 * configuration; the `Host` is compared, so behind a proxy that rewrites it,
 * put `proxyHeaders` outside this layer.
 *
 * With `tokens`, an unsafe request that passed these rules must also carry
 * the session's token, in the `X-CSRF-Token` header or the `csrf_token`
 * field of a urlencoded form (other bodies, multipart among them, must use
 * the header); it is compared in constant time. The app gets the token from
 * `environ['tsgi.csrf_token']` (a {@link CsrfToken}).
 *
 * @throws TypeError for a malformed trusted origin, bypass rule or token option.
 * @example
 * ```ts
 * const app = sessions(csrf(site, { tokens: true }), { secrets: [process.env.SESSION_SECRET!] });
 * ```
 *
 * @category Middleware
 */
export function csrf(app: AppLike, options: CsrfOptions = {}): App {
  const inner = toApp(app);
  const check = new OriginCheck(options.trustedOrigins ?? [], options.bypass ?? []);
  const tokens = options.tokens === undefined || options.tokens === false ? undefined : tokenConfig(options.tokens === true ? {} : options.tokens);
  return wrapApp(app, async function csrfProtected(environ: Environ, startResponse: StartResponse): Promise<Body> {
    const refusal = check.refusal(environ);
    if (refusal !== undefined) return refuse(environ, startResponse, new HttpError(403, refusal));
    if (tokens === undefined) return inner(environ, startResponse);
    const session = environ['tsgi.session'];
    if (session === undefined) throw new Error('csrf: tokens need a session: put sessions() outside csrf()');
    const token: CsrfToken = () => sessionToken(session);
    environ['tsgi.csrf_token'] = token;
    if (environ.REQUEST_METHOD === 'GET' || environ.REQUEST_METHOD === 'HEAD' || environ.REQUEST_METHOD === 'OPTIONS') {
      return inner(environ, startResponse);
    }
    const problem = await tokenProblem(environ, session, tokens);
    if (problem !== undefined) return refuse(environ, startResponse, problem);
    return inner(environ, startResponse);
  });
}

async function tokenProblem(environ: Environ, session: NonNullable<Environ['tsgi.session']>, config: TokenConfig): Promise<HttpError | undefined> {
  let given: string | undefined;
  try {
    given = await submittedToken(environ, config);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  const method = environ.REQUEST_METHOD;
  if (given === undefined) return new HttpError(403, `${method} refused: the form token (field ${config.field} or its header) is missing; reload the page and try again`);
  const expected = existingToken(session);
  if (expected === undefined || !tokensMatch(expected, given)) {
    return new HttpError(403, `${method} refused: the form token does not match this session; reload the page and try again`);
  }
  return undefined;
}

function refuse(environ: Environ, startResponse: StartResponse, error: HttpError): string[] {
  const page = renderError(error, environ.HTTP_ACCEPT);
  startResponse(page.status, page.headers);
  return environ.REQUEST_METHOD === 'HEAD' ? [] : [page.body];
}
