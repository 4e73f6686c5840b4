/**
 * tsgi's hello function app on `makeServer` with `http2`: HTTP/2 and,
 * by ALPN, HTTP/1.1 on one TLS port, written as a user would.
 *
 * @module
 */
import type { App } from '../../../src/gateway/index.js';
import { makeServer } from '../../../src/server/index.js';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../../hello.js';
import { serveChild } from '../../servers/child.js';
import { benchTls, H2_BENCH_HOST } from '../tls.js';

const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', HELLO_CONTENT_TYPE]]);
  return [HELLO_BODY];
};

await serveChild(async () => {
  const server = makeServer(H2_BENCH_HOST, 0, hello, { log: null, http2: true, tls: benchTls() });
  await server.listen();
  return server.port;
});
