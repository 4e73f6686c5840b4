/**
 * A child that measures each layer configuration's own CPU cost per request,
 * without a server or sockets: the app is called with a ready-made environ
 * (a browser-like GET with a valid session cookie) and its body drained.
 * Each configuration runs in several rounds and the fastest round counts,
 * since interference from other processes only ever slows a round down.
 * Reports `{ type: 'costs', micros: { [id]: µs per request } }` over IPC.
 *
 * @module
 */
import { TestClient, type App, type Body, type Environ, type StartResponse } from '../../src/index.js';
import { MemoryErrors } from '../../src/gateway/errors.js';
import { emptyInput } from '../../src/gateway/input.js';
import { exitWithParent } from '../process/protocol.js';
import { buildApp } from './app.js';
import { LAYER_CONFIGS, PRIME_PATH } from './layers.js';

exitWithParent();

const ITERATIONS = Number(process.env['BENCH_MIDDLEWARE_ITERATIONS'] ?? 20_000);
const ROUNDS = 6;
const errors = new MemoryErrors();
const noWrite = (): Promise<void> => Promise.resolve();
const startResponse: StartResponse = () => noWrite;

async function cookieFor(app: App): Promise<string | undefined> {
  const primed = await new TestClient(app, { validate: false }).get(PRIME_PATH);
  return primed.headers.get('Set-Cookie')?.split(';', 1)[0];
}

function environ(cookie: string | undefined): Environ {
  return {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8080',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    REQUEST_URI: '/',
    HTTP_HOST: '127.0.0.1:8080',
    HTTP_ACCEPT_ENCODING: 'gzip, deflate, br',
    HTTP_USER_AGENT: 'autocannon (tsgi middleware bench)',
    ...(cookie === undefined ? {} : { HTTP_COOKIE: cookie }),
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': emptyInput(),
    'tsgi.errors': errors,
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
    'tsgi.input_terminated': true,
  };
}

async function drain(result: Body | Promise<Body>): Promise<void> {
  const body = await result;
  if (Array.isArray(body)) return;
  const asyncFactory = (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator];
  const iterator = typeof asyncFactory === 'function' ? asyncFactory.call(body) : (body as Iterable<unknown>)[Symbol.iterator]();
  while ((await iterator.next()).done !== true);
  await iterator.return?.();
}

const configs = await Promise.all(
  LAYER_CONFIGS.map(async (config) => {
    const app = buildApp(config.layers);
    return { id: config.id, app, cookie: config.layers.includes('session') ? await cookieFor(app) : undefined };
  }),
);
const micros: Record<string, number> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const { id, app, cookie } of configs) {
    const started = performance.now();
    for (let i = 0; i < ITERATIONS; i++) await drain(app(environ(cookie), startResponse));
    const perRequest = ((performance.now() - started) * 1000) / ITERATIONS;
    // The first round warms the JIT up and is not counted.
    if (round > 0) micros[id] = Math.min(micros[id] ?? Infinity, perRequest);
  }
}
process.send?.({ type: 'costs', micros });
