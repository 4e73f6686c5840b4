/**
 * tsgi, written the way a user would: public API only, `makeServer` with the
 * startup line off.
 *
 * @module
 */
import { Writable } from 'node:stream';
import { accessLog } from '../../src/middleware/access-log/index.js';
import { BaseHandler, param, route } from '../../src/handler/index.js';
import { compress } from '../../src/middleware/compress/index.js';
import { HttpError, type App, type AppLike } from '../../src/gateway/index.js';
import { makeServer } from '../../src/server/index.js';
import { MemoryStore, sessions } from '../../src/middleware/session/index.js';
import { stack } from '../../src/middleware/stack/index.js';
import { urlMap } from '../../src/middleware/url-map/index.js';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../hello.js';
import {
  guessAnswer, GZIP_LEVEL, JSON_TYPE, parseGuess, PRIME_PATH, SESSION_COOKIE, SESSION_SECRET, TEXT_64K,
  TEXT_TYPE, type ScenarioId,
} from '../scenarios.js';
import { BENCH_HOST, scenarioArgument, serveChild } from './child.js';

const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', HELLO_CONTENT_TYPE]]);
  return [HELLO_BODY];
};

class Hello extends BaseHandler {
  doGET(): string {
    this.start('200 OK', [['Content-Type', HELLO_CONTENT_TYPE]]);
    return HELLO_BODY;
  }
}

class Echo extends BaseHandler {
  async doPOSTALL(): Promise<string> {
    const data = await this.json();
    this.start('200 OK', [['Content-Type', JSON_TYPE]]);
    return JSON.stringify(data);
  }
}

class Guess extends BaseHandler {
  async doPOSTALL(): Promise<string> {
    const fields = await this.parseFields();
    const guess = parseGuess(fields['myparam']?.[0]);
    if (guess === undefined) throw new HttpError(400, 'bad guess');
    this.start('200 OK', [['Content-Type', TEXT_TYPE]]);
    return guessAnswer(guess);
  }
}

@route('/:id')
class Items extends BaseHandler {
  doGET(@param('id') id: number): string {
    this.start('200 OK', [['Content-Type', JSON_TYPE]]);
    return JSON.stringify({ id });
  }
}

// Reads the session on every page, as a real page would, and writes it on
// the priming path, so a visitor without a cookie gets a new session there.
const sessionHello: App = (environ, startResponse) => {
  const session = environ['tsgi.session'];
  if (environ.PATH_INFO === PRIME_PATH) session?.set('visits', 1);
  else session?.get('visits');
  startResponse('200 OK', [['Content-Type', HELLO_CONTENT_TYPE]]);
  return [HELLO_BODY];
};

function middlewareStack(): App {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  return stack(
    sessionHello,
    (app) => sessions(app, { secrets: [SESSION_SECRET], store: new MemoryStore(), cookieName: SESSION_COOKIE }),
    (app) => compress(app),
    (app) => accessLog(app, { format: 'combined', stream: discard }),
  );
}

const gzipText: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', TEXT_TYPE]]);
  return [TEXT_64K];
};

function appFor(scenario: ScenarioId): AppLike {
  switch (scenario) {
    case 'hello-function':
      return hello;
    case 'hello-handler':
      return Hello;
    case 'json-echo':
      return urlMap({ '/echo': Echo });
    case 'form':
      return urlMap({ '/guess': Guess });
    case 'param':
      return urlMap({ '/items': Items });
    case 'stack-returning':
    case 'stack-new':
      return middlewareStack();
    case 'gzip-64k':
      return compress(gzipText, { encodings: ['gzip'], levels: { gzip: GZIP_LEVEL } });
  }
}

await serveChild(async () => {
  const server = makeServer(BENCH_HOST, 0, appFor(scenarioArgument()), { log: null });
  await server.listen();
  return server.port;
});
