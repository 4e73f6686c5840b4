/**
 * Every example on one server, as `npm start` serves it: each mounted under
 * its own prefix, plus an index page at `/` linking to them.
 */
import { BaseHandler } from '../src/handler/index.js';
import { HttpError, type App } from '../src/gateway/index.js';
import { securityHeaders } from '../src/middleware/security-headers/index.js';
import { sessions } from '../src/middleware/session/index.js';
import { urlMap } from '../src/middleware/url-map/index.js';
import { apiSite } from './api/app.js';
import { blogSite } from './blog/app.js';
import { chatApp } from './chat/app.js';
import { Clock } from './clock/app.js';
import { guessApp } from './guess/app.js';
import { simpleApp } from './hello/app.js';
import { privateApp } from './protected/app.js';
import { uploadApp } from './upload/app.js';
import { VisitCounter } from './session/app.js';
import { sessionSetupFromEnv } from './session/config.js';

/** The examples, by mount prefix, with a line saying what each shows. */
export const EXAMPLES = [
  { prefix: '/hello', title: 'hello', about: 'the smallest app: a function returning "Hello world!"', app: simpleApp },
  { prefix: '/guess', title: 'guess', about: 'the number-guessing game, a BaseHandler subclass; forms posted from other origins refused (csrf)', app: guessApp },
  { prefix: '/upload', title: 'upload', about: 'file uploads streamed to disk with saveFiles, and the list of stored files; uploads from other origins refused (csrf)', app: uploadApp },
  { prefix: '/private', title: 'private', about: 'a page behind HTTP Basic authentication (basicAuth); demo account demo / tsgi-demo unless DEMO_USER / DEMO_PASS are set', app: privateApp },
  { prefix: '/session', title: 'session', about: 'the article\'s myapp2: "You have been here N times!", counted in a signed-cookie session', app: VisitCounter },
  { prefix: '/blog', title: 'blog', about: 'the REST blog: PUT, GET and DELETE entries as files, listed as xhtml, XML or an Atom feed, with conditional requests', app: blogSite },
  { prefix: '/chat', title: 'chat', about: 'a chat room over WebSocket (doWEBSOCKET): every message goes to everyone in the room', app: chatApp() },
  { prefix: '/clock', title: 'clock', about: 'a live clock over Server-Sent Events: an event a second, resumed from Last-Event-ID after a reconnect', app: Clock },
  {
    prefix: '/api',
    title: 'api',
    about: 'a JSON API of tasks: create, read, update, delete and a paged list, validated by zod schemas, with ETags and problem+json errors',
    app: apiSite('/api'),
    links: [
      ['openapi.json', 'its OpenAPI document'],
      ['docs', 'its reference page'],
    ],
  },
] as const;

/** The index page, answering only at the root of the site. */
export class IndexPage extends BaseHandler {
  // Without this, a path below the index would get 405 (GET is answered only
  // at the root); nothing lives there, so 404 is the truthful answer.
  doGET(): never {
    throw new HttpError(404, `Nothing here: ${this.pathInfo.slice(0, 200)}`);
  }

  doGETALL(): string {
    const base = this.environ.SCRIPT_NAME;
    const items = EXAMPLES.map((example) => {
      const { prefix, title, about } = example;
      const extra = 'links' in example ? example.links.map(([path, text]) => `; <a href="${base}${prefix}/${path}">${text}</a>`).join('') : '';
      return `    <li><a href="${base}${prefix}/">${title}</a>: ${about}${extra}</li>`;
    }).join('\n');
    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>tsgi examples</title>
</head>
<body>
  <h1>tsgi examples</h1>
  <ul>
${items}
  </ul>
</body>
</html>
`;
  }
}

/**
 * The site's sessions (store and secret from the environment, see
 * examples/session/config.ts); close it when the server stops.
 */
export const siteSessions = sessionSetupFromEnv();

/**
 * The whole site, every example sharing one session per visitor, and every
 * page sent with the security headers (nosniff, Referrer-Policy, framing
 * only by this origin).
 */
export const site: App = securityHeaders(
  sessions(
    urlMap({
      ...Object.fromEntries(EXAMPLES.map(({ prefix, app }) => [prefix, app])),
      '/': IndexPage,
    }),
    siteSessions.options,
  ),
);
