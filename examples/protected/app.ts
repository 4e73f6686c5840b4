/**
 * A page behind HTTP Basic authentication: `basicAuth` in front of a plain
 * app, with the user name it verified in `REMOTE_USER`.
 *
 * The credentials come from `DEMO_USER` and `DEMO_PASS`; without them the
 * demo account is `demo` / `tsgi-demo`. Basic credentials travel in clear
 * text, so outside a demo serve this over https.
 */
import { basicAuth, staticCredentials, type App } from '../../src/index.js';

/** The demo account used when `DEMO_USER` / `DEMO_PASS` are not set. */
export const DEMO_DEFAULTS = { user: 'demo', password: 'tsgi-demo' } as const;

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

/** The protected page for one user name and password. */
export function protectedApp(user: string, password: string): App {
  return basicAuth(privatePage, { realm: 'tsgi private demo', verify: staticCredentials({ [user]: password }) });
}

/** The demo as `npm start` mounts it, with credentials from the environment. */
export const privateApp: App = protectedApp(
  process.env.DEMO_USER ?? DEMO_DEFAULTS.user,
  process.env.DEMO_PASS ?? DEMO_DEFAULTS.password,
);
