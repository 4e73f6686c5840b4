/**
 * Fastify 5 answering the POST workloads with its own body parsing: its
 * built-in JSON parser, and its documented content-type parser hook for forms.
 *
 * @module
 */
import { parse } from 'node:querystring';
import Fastify from 'fastify';
import { BENCH_HOST, runServerChild } from '../servers/child-runtime.js';
import { guessAnswer, JSON_TYPE, parseGuess, TEXT_TYPE } from './scenarios.js';

await runServerChild(async () => {
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parse(body as string));
  });
  app.post('/echo', (request, reply) => {
    reply.header('Content-Type', JSON_TYPE).send(JSON.stringify(request.body));
  });
  app.post('/guess', (request, reply) => {
    const field = (request.body as Record<string, string | string[] | undefined>)['myparam'];
    const guess = parseGuess(typeof field === 'string' ? field : undefined);
    if (guess === undefined) return reply.code(400).header('Content-Type', TEXT_TYPE).send('bad guess\n');
    return reply.header('Content-Type', TEXT_TYPE).send(guessAnswer(guess));
  });
  await app.listen({ host: BENCH_HOST, port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fastify: no TCP address');
  return address.port;
});
