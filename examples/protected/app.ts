/**
 * A page behind HTTP Basic authentication: `basicAuth` in front of a plain
 * app, with the user name it verified in `REMOTE_USER`, and `rateLimit` in
 * front of both against password guessing.
 *
 * The credentials come from `DEMO_USER` and `DEMO_PASS`; without them the
 * demo account is `demo` / `tsgi-demo`. Basic credentials travel in clear
 * text, so outside a demo serve this over https.
 *
 * Each client (by `REMOTE_ADDR`) may get `LOGIN_LIMIT` passwords wrong per
 * `LOGIN_WINDOW_MS` (default 5 per minute); after that it gets `429 Too
 * Many Requests` with `Retry-After` until the window has slid on. A correct
 * password costs nothing. Behind a reverse proxy, wrap the site in
 * `proxyHeaders` so that `REMOTE_ADDR` is the client's, not the proxy's.
 */
import { basicAuth, staticCredentials } from '../../src/middleware/basic-auth/index.js';
import { rateLimit } from '../../src/middleware/rate-limit/index.js';
import { type App, type Environ } from '../../src/gateway/index.js';

/** The demo account used when `DEMO_USER` / `DEMO_PASS` are not set. */
export const DEMO_DEFAULTS = { user: 'demo', password: 'tsgi-demo' } as const;

/** How many wrong passwords a client may send per window. */
export interface LoginLimit {
  /** Wrong passwords allowed per window. */
  readonly limit: number;
  /** The window, in milliseconds. */
  readonly windowMs: number;
}

/** The limit used when `LOGIN_LIMIT` / `LOGIN_WINDOW_MS` are not set: 5 wrong passwords a minute. */
export const LOGIN_LIMIT_DEFAULTS: LoginLimit = { limit: 5, windowMs: 60_000 };

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page itself: it trusts `REMOTE_USER`, which only `basicAuth` sets. */
export const privatePage: App = (environ, startResponse) => {
  const user = escapeHtml(String(environ.REMOTE_USER));
  const page = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Private</title>
</head>
<body>
  <h1>Hello, ${user}!</h1>
  <p>This page is behind HTTP Basic authentication (<code>basicAuth</code>).
  Your browser sends the credentials with every request until it is closed.</p>
</body>
</html>
`;
  startResponse('200 OK', [
    ['Content-Type', 'text/html; charset=utf-8'],
    ['Cache-Control', 'no-store'],
  ]);
  return environ.REQUEST_METHOD === 'HEAD' ? [] : [page];
};

// A request without credentials tries no password: a browser's first visit
// (answered with the login prompt) must not use up the budget.
const sendsNoCredentials = (environ: Environ): boolean => environ.HTTP_AUTHORIZATION === undefined;

/** The protected page for one user name and password, with wrong passwords limited per client. */
export function protectedApp(user: string, password: string, loginLimit: LoginLimit = LOGIN_LIMIT_DEFAULTS): App {
  const page = basicAuth(privatePage, { realm: 'tsgi private demo', verify: staticCredentials({ [user]: password }) });
  return rateLimit(page, {
    name: 'login',
    limit: loginLimit.limit,
    windowMs: loginLimit.windowMs,
    skip: sendsNoCredentials,
    countIf: (status) => status === 401,
  });
}

/**
 * The login limit from `LOGIN_LIMIT` and `LOGIN_WINDOW_MS`, each a positive
 * integer; unset ones take {@link LOGIN_LIMIT_DEFAULTS}.
 *
 * @throws RangeError naming the variable that is not a positive integer.
 */
export function loginLimitFromEnv(env: NodeJS.ProcessEnv = process.env): LoginLimit {
  const read = (name: string, fallback: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
    }
    return value;
  };
  return { limit: read('LOGIN_LIMIT', LOGIN_LIMIT_DEFAULTS.limit), windowMs: read('LOGIN_WINDOW_MS', LOGIN_LIMIT_DEFAULTS.windowMs) };
}

/** The demo as `npm start` mounts it, with credentials and the login limit from the environment. */
export const privateApp: App = protectedApp(
  process.env.DEMO_USER ?? DEMO_DEFAULTS.user,
  process.env.DEMO_PASS ?? DEMO_DEFAULTS.password,
  loginLimitFromEnv(),
);
