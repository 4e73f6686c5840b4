/**
 * A server child: the hello app wrapped in the layers named by the first
 * argument (comma-separated, innermost first; see `buildApp`).
 *
 * @module
 */
import { makeServer } from '../../src/index.js';
import { BENCH_HOST, runServerChild } from '../servers/child-runtime.js';
import { buildApp } from './app.js';
import { isLayer } from './layers.js';

const names = (process.argv[2] ?? '').split(',').filter((name) => name !== '');
const unknown = names.filter((name) => !isLayer(name));
if (unknown.length > 0) throw new Error(`unknown layers: ${unknown.join(', ')}`);
const app = buildApp(names.filter(isLayer));

await runServerChild(async () => {
  const server = makeServer(BENCH_HOST, 0, app, { log: null });
  await server.listen();
  return server.port;
});
