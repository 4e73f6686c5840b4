/**
 * Bare `node:http2` with its compatibility API, as most hand-written Node
 * HTTP/2 servers are: `createSecureServer({ allowHTTP1: true })` and one
 * `(req, res)` listener for both protocols. The reference for CPU per request.
 *
 * @module
 */
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { HELLO_BODY, HELLO_CONTENT_TYPE, HELLO_LENGTH } from '../../hello.js';
import { serveChild } from '../../servers/child.js';
import { benchTls, H2_BENCH_HOST } from '../tls.js';

await serveChild(async () => {
  const server = createSecureServer({ ...benchTls(), allowHTTP1: true }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': HELLO_CONTENT_TYPE, 'Content-Length': HELLO_LENGTH });
    res.end(HELLO_BODY);
  });
  await new Promise<void>((listening) => server.listen(0, H2_BENCH_HOST, listening));
  return (server.address() as AddressInfo).port;
});
