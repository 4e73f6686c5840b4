/**
 * Express 5, with the headers it adds by default (X-Powered-By, ETag) turned
 * off so its bytes match bare node's.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../hello.js';
import { BENCH_HOST, runServerChild } from './child-runtime.js';

await runServerChild(async () => {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // res.send() adds Content-Length and keeps our charset as written.
  app.get('/', (_req, res) => {
    res.set('Content-Type', HELLO_CONTENT_TYPE).send(HELLO_BODY);
  });
  const server = createServer(app);
  await new Promise<void>((listening) => server.listen(0, BENCH_HOST, listening));
  return (server.address() as AddressInfo).port;
});
