/**
 * The hello app wrapped in the layers named by the first argument
 * (comma-separated, innermost first): `compress`, `accessLog` (to a stream
 * that discards), `session` (`sessions` with a `MemoryStore`). The app reads
 * the session when there is one, as a real page would, yet answers with the
 * same bytes as bare node.
 *
 * @module
 */
import { Writable } from 'node:stream';
import { accessLog, compress, makeServer, MemoryStore, sessions, stack, type App, type Middleware } from '../../src/index.js';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../hello.js';
import { BENCH_HOST, runServerChild } from '../servers/child-runtime.js';
import { isLayer, PRIME_PATH, type Layer } from './layers.js';

const hello: App = (environ, startResponse) => {
  const session = environ['tsgi.session'];
  if (environ.PATH_INFO === PRIME_PATH) session?.set('visits', 1);
  else session?.get('visits');
  startResponse('200 OK', [['Content-Type', HELLO_CONTENT_TYPE]]);
  return [HELLO_BODY];
};

const discard = new Writable({
  write(_chunk, _encoding, done) {
    done();
  },
});

const MIDDLEWARE: Record<Layer, Middleware> = {
  compress: (app) => compress(app),
  accessLog: (app) => accessLog(app, { format: 'combined', stream: discard }),
  session: (app) => sessions(app, { secrets: ['bench-secret-0123456789-abcdefghijklmnop'], store: new MemoryStore() }),
};

const names = (process.argv[2] ?? '').split(',').filter((name) => name !== '');
const unknown = names.filter((name) => !isLayer(name));
if (unknown.length > 0) throw new Error(`unknown layers: ${unknown.join(', ')}`);
const app = stack(hello, ...names.filter(isLayer).map((name) => MIDDLEWARE[name]));

await runServerChild(async () => {
  const server = makeServer(BENCH_HOST, 0, app, { log: null });
  await server.listen();
  return server.port;
});
