/**
 * Fastify 5 with its defaults, minus the logger (which bare node lacks too).
 *
 * @module
 */
import Fastify from 'fastify';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../hello.js';
import { BENCH_HOST, runServerChild } from './child-runtime.js';

await runServerChild(async () => {
  const app = Fastify({ logger: false });
  // Fastify computes Content-Length itself for string payloads.
  app.get('/', (_request, reply) => {
    reply.header('Content-Type', HELLO_CONTENT_TYPE).send(HELLO_BODY);
  });
  await app.listen({ host: BENCH_HOST, port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fastify: no TCP address');
  return address.port;
});
