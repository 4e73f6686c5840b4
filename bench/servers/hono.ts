/**
 * Hono 4 on @hono/node-server, hello world only.
 *
 * @module
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../hello.js';
import { BENCH_HOST, scenarioArgument, serveChild, unsupported } from './child.js';

const scenario = scenarioArgument();
if (scenario !== 'hello-function') throw unsupported('hono', scenario);

const app = new Hono();
// c.text() would spell the charset `UTF-8`; the header is given as bare node sends it.
app.get('/', (c) => c.body(HELLO_BODY, 200, { 'Content-Type': HELLO_CONTENT_TYPE }));

await serveChild(
  () =>
    new Promise<number>((listening) => {
      serve({ fetch: app.fetch, hostname: BENCH_HOST, port: 0 }, (info) => listening(info.port));
    }),
);
