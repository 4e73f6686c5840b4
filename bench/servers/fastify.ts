/**
 * Fastify 5 with its defaults, its logger off, and the official plugins a
 * scenario needs to serve the same bytes: @fastify/formbody for forms,
 * @fastify/compress for gzip, @fastify/cookie + @fastify/session for the stack.
 *
 * @module
 */
import { Writable } from 'node:stream';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifySession from '@fastify/session';
import Fastify, { type FastifyInstance } from 'fastify';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../hello.js';
import {
  guessAnswer, GZIP_LEVEL, JSON_TYPE, parseGuess, PRIME_PATH, SESSION_COOKIE, SESSION_SECRET, TEXT_64K,
  TEXT_TYPE, type ScenarioId,
} from '../scenarios.js';
import { BENCH_HOST, scenarioArgument, serveChild, unsupported } from './child.js';

declare module 'fastify' {
  interface Session {
    visits?: number;
  }
}

function helloRoute(app: FastifyInstance): void {
  app.get('/', (_request, reply) => {
    reply.header('Content-Type', HELLO_CONTENT_TYPE).send(HELLO_BODY);
  });
}

// Like tsgi's stack: the session is read on every page and written on the
// priming path; only a written session sets a cookie (no rolling refresh).
async function stackApp(): Promise<FastifyInstance> {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const app = Fastify({ logger: { level: 'info', stream: discard } });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: SESSION_SECRET,
    cookieName: SESSION_COOKIE,
    saveUninitialized: false,
    rolling: false,
    cookie: { secure: false, httpOnly: true, sameSite: 'lax', path: '/' },
  });
  await app.register(fastifyCompress);
  app.get('/', (request, reply) => {
    void request.session.get('visits');
    reply.header('Content-Type', HELLO_CONTENT_TYPE).send(HELLO_BODY);
  });
  app.get(PRIME_PATH, (request, reply) => {
    request.session.set('visits', 1);
    reply.header('Content-Type', HELLO_CONTENT_TYPE).send(HELLO_BODY);
  });
  return app;
}

async function build(scenario: ScenarioId): Promise<FastifyInstance> {
  if (scenario === 'stack-returning' || scenario === 'stack-new') return stackApp();
  const app = Fastify({ logger: false });
  switch (scenario) {
    case 'hello-function':
      helloRoute(app);
      break;
    case 'json-echo':
      app.post('/echo', (request, reply) => {
        reply.header('Content-Type', JSON_TYPE).send(JSON.stringify(request.body));
      });
      break;
    case 'form':
      await app.register(fastifyFormbody);
      app.post('/guess', (request, reply) => {
        const field = (request.body as Record<string, unknown>)['myparam'];
        const guess = parseGuess(typeof field === 'string' ? field : undefined);
        if (guess === undefined) reply.code(400).header('Content-Type', TEXT_TYPE).send('bad guess\n');
        else reply.header('Content-Type', TEXT_TYPE).send(guessAnswer(guess));
      });
      break;
    case 'param':
      app.get<{ Params: { id: number } }>(
        '/items/:id',
        { schema: { params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } } },
        (request, reply) => {
          reply.header('Content-Type', JSON_TYPE).send(JSON.stringify({ id: request.params.id }));
        },
      );
      break;
    case 'gzip-64k':
      await app.register(fastifyCompress, { encodings: ['gzip'], zlibOptions: { level: GZIP_LEVEL } });
      app.get('/', (_request, reply) => {
        reply.header('Content-Type', TEXT_TYPE).send(TEXT_64K);
      });
      break;
    default:
      throw unsupported('fastify', scenario);
  }
  return app;
}

await serveChild(async () => {
  const app = await build(scenarioArgument());
  await app.listen({ host: BENCH_HOST, port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fastify: no TCP address');
  return address.port;
});
