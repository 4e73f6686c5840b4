/**
 * HTTP Basic authentication (RFC 7617) in front of any app.
 *
 * @module
 */
import { logError } from '../../gateway/errors.js';
import type { App, AppLike, Environ, StartResponse } from '../../gateway/types.js';
import { toApp, wrapApp } from '../../gateway/app.js';
import { parseBasicAuth, type VerifyCredentials } from './credentials.js';

/**
 * Options for {@link basicAuth}.
 *
 * @example
 * ```ts
 * const options: BasicAuthOptions = { realm: 'Staff area', verify: staticCredentials({ ada: 'lovelace' }) };
 * ```
 *
 * @category Middleware
 */
export interface BasicAuthOptions {
  /** The protection space shown by browsers in their login prompt. */
  realm: string;
  /**
   * Decides whether a user name and password may in; may be async. Throwing
   * (or rejecting) is logged and answered with 401, never 500, so a broken
   * user store fails closed.
   */
  verify: VerifyCredentials;
}

/**
 * Lets a request through to `app` only with valid Basic credentials. On
 * success it sets `REMOTE_USER` to the user name and `AUTH_TYPE` to `Basic`
 * (CGI's names). Any other request, including one with a malformed
 * `Authorization` header (bad base64, no colon, another scheme, invalid
 * UTF-8, over 4 KiB), gets `401 Unauthorized` with
 * `WWW-Authenticate: Basic realm="…", charset="UTF-8"`, so browsers prompt
 * and send UTF-8 credentials. The app is not called for refused requests.
 *
 * Basic credentials travel in clear text: serve it over https.
 *
 * @throws TypeError when `realm` holds anything but printable ASCII.
 * @example
 * ```ts
 * const admin = basicAuth(adminApp, {
 *   realm: 'Blog admin',
 *   verify: staticCredentials({ [process.env.ADMIN_USER!]: process.env.ADMIN_PASS! }),
 * });
 * ```
 *
 * @category Middleware
 */
export function basicAuth(app: AppLike, options: BasicAuthOptions): App {
  const inner = toApp(app);
  if (/[^\u0020-\u007e]/.test(options.realm)) {
    throw new TypeError(`basicAuth realm must be printable ASCII (header values cannot carry other text portably), got ${JSON.stringify(options.realm)}`);
  }
  const challenge = `Basic realm=${quoteString(options.realm)}, charset="UTF-8"`;
  const verify = options.verify;

  return wrapApp(app, async function basicAuthenticated(environ: Environ, startResponse: StartResponse) {
    const credentials = parseBasicAuth(environ.HTTP_AUTHORIZATION);
    let granted = false;
    if (credentials !== undefined) {
      try {
        granted = (await verify(credentials.user, credentials.password, environ)) === true;
      } catch (error) {
        logError(environ['tsgi.errors'], error, 'basicAuth: verify() failed');
      }
    }
    if (!granted || credentials === undefined) return unauthorized(environ, startResponse, challenge);
    environ.REMOTE_USER = credentials.user;
    environ.AUTH_TYPE = 'Basic';
    return inner(environ, startResponse);
  });
}

function unauthorized(environ: Environ, startResponse: StartResponse, challenge: string): string[] {
  const body = 'Unauthorized: valid credentials are required.\n';
  startResponse('401 Unauthorized', [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['WWW-Authenticate', challenge],
    ['Cache-Control', 'no-store'],
  ]);
  return environ.REQUEST_METHOD === 'HEAD' ? [] : [body];
}

/** An RFC 9110 quoted-string. */
function quoteString(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
