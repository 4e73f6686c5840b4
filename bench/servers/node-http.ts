/**
 * Bare `node:http`: the reference every other server is measured against, and
 * whose bytes they must match.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HELLO_BODY, HELLO_CONTENT_TYPE, HELLO_LENGTH } from '../hello.js';
import { BENCH_HOST, runServerChild } from './child-runtime.js';

await runServerChild(async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': HELLO_CONTENT_TYPE, 'Content-Length': HELLO_LENGTH });
    res.end(HELLO_BODY);
  });
  await new Promise<void>((listening) => server.listen(0, BENCH_HOST, listening));
  return (server.address() as AddressInfo).port;
});
