/**
 * tsgi with a plain function app: the gateway interface at its thinnest, so
 * its gap to bare node is the server's own overhead.
 *
 * @module
 */
import { makeServer, type App } from '../../src/index.js';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../hello.js';
import { BENCH_HOST, runServerChild } from './child-runtime.js';

// Content-Length is not set here: the server adds it for a one-chunk body,
// which is part of what is measured.
const app: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', HELLO_CONTENT_TYPE]]);
  return [HELLO_BODY];
};

await runServerChild(async () => {
  const server = makeServer(BENCH_HOST, 0, app, { log: null }); // no startup line in the bench output
  await server.listen();
  return server.port;
});
