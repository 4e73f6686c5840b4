/**
 * The hello app and the layers the middleware bench wraps it in, shared by
 * the server child and the in-process measurement.
 *
 * @module
 */
import { Writable } from 'node:stream';
import { accessLog, compress, MemoryStore, sessions, stack, type App, type Middleware } from '../../src/index.js';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../hello.js';
import { PRIME_PATH, type Layer } from './layers.js';

/**
 * Hello world that reads the session when there is one, as a real page
 * would, and sets it on {@link PRIME_PATH} so a client can get a cookie.
 *
 * @example
 * ```ts
 * const app = stack(helloApp, compress);
 * ```
 */
export const helloApp: App = (environ, startResponse) => {
  const session = environ['tsgi.session'];
  if (environ.PATH_INFO === PRIME_PATH) session?.set('visits', 1);
  else session?.get('visits');
  startResponse('200 OK', [['Content-Type', HELLO_CONTENT_TYPE]]);
  return [HELLO_BODY];
};

/**
 * The hello app wrapped in `layers` (innermost first): `compress` with its
 * defaults, `accessLog` in Combined format to a stream that discards, and
 * `sessions` with a `MemoryStore`.
 *
 * @example
 * ```ts
 * const app = buildApp(['session', 'compress', 'accessLog']);
 * ```
 */
export function buildApp(layers: readonly Layer[]): App {
  const discard = new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
  const middleware: Record<Layer, Middleware> = {
    compress: (app) => compress(app),
    accessLog: (app) => accessLog(app, { format: 'combined', stream: discard }),
    session: (app) => sessions(app, { secrets: ['bench-secret-0123456789-abcdefghijklmnop'], store: new MemoryStore() }),
  };
  return stack(helloApp, ...layers.map((layer) => middleware[layer]));
}
