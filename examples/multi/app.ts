/**
 * One module, several apps: served by `tsgi serve dist/examples/multi/app.js`
 * without naming an export, the first path segment picks the app, as the
 * article's modified mod_python handler did (`/test/foo/simple_app`).
 */
import { Buffer } from 'node:buffer';
import { BaseHandler } from '../../src/handler/index.js';
import { requestUri, type App } from '../../src/gateway/index.js';

/** The article's `simple_app`. */
export const simple_app: App = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return environ.REQUEST_METHOD === 'HEAD' ? [] : ['Hello world!\n'];
};

/** Echoes a POSTed body in upper case; any other method gets a one-line hint. */
export const upper_app: App = async (environ, startResponse) => {
  if (environ.REQUEST_METHOD !== 'POST') {
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return ['POST some text here and it comes back in upper case.\n'];
  }
  const text = Buffer.from(await environ['tsgi.input'].read()).toString('utf8');
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [text.toUpperCase()];
};

/**
 * Where the request landed: the mount point the app sees (the export's name
 * moved into SCRIPT_NAME), the rest of the path, and the serving process.
 */
export const where_app: App = (environ, startResponse) => {
  const text = [
    `SCRIPT_NAME: ${environ.SCRIPT_NAME}`,
    `PATH_INFO: ${environ.PATH_INFO}`,
    `URL: ${requestUri(environ)}`,
    `REMOTE_ADDR: ${environ.REMOTE_ADDR}`,
    `pid: ${process.pid}`,
    '',
  ].join('\n');
  startResponse('200 OK', [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['X-Served-By', String(process.pid)],
  ]);
  return [text];
};

/** A handler class is an app too: GET answers, other methods get 405 with Allow. */
export class Greeting extends BaseHandler {
  doGET(): string {
    const name = this.pathInfo.replace(/^\//, '') || 'world';
    return `Greetings, ${name.slice(0, 100)}!\n`;
  }
}

/** Not an app: module-only mode never serves it (a request for it gets 404). */
export const motto = 'one module, several apps';
