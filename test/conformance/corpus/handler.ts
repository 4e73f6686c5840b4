/**
 * `BaseHandler` subclasses, alone and inside middleware. Each counts the
 * `return()` of the iterator the host takes from the instance. Hosts answer
 * a handler at the app call (`ANSWER`): a whole body, sync or async, is an
 * array, with no iterator to close, so those cases count `{}`; the same
 * class constructed directly, outside `toApp`, is iterated.
 */
import { BaseHandler } from '../../../src/handler/index.js';
import { compress } from '../../../src/middleware/compress/index.js';
import { HttpError, type Chunk } from '../../../src/gateway/index.js';
import { MemoryStore, sessions } from '../../../src/middleware/session/index.js';
import { showErrors } from '../../../src/middleware/errors/index.js';
import { ok, refused, type Case, type Expectation } from '../case.js';
import { countedAsyncIterator, probeOf } from '../probe.js';
import { logged } from './middleware.js';

const HTML = 'text/html; charset=utf-8';

/** A BaseHandler whose host-taken iterator is counted. */
class Counted extends BaseHandler {
  override [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    return countedAsyncIterator(super[Symbol.asyncIterator](), probeOf(this.environ));
  }
}

class Hello extends Counted {
  doGET(): string {
    return 'hello from a handler';
  }
}

class AsyncHello extends Counted {
  async doGET(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.start('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return 'async handler';
  }
}

class Echo extends Counted {
  async doPOST(): Promise<string> {
    const text = await this.text();
    this.start('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return `echo ${text}`;
  }
}

class Exploding extends Counted {
  doGET(): string {
    throw new Error('handler exploded');
  }
}

class Missing extends Counted {
  doGET(): string {
    throw new HttpError(404, 'no such thing');
  }
}

class BadHeader extends Counted {
  doGET(): string {
    this.start('200 OK', [['X-Bad', 'a\r\nb']]);
    return 'never';
  }
}

class Informational extends Counted {
  doGET(): string {
    this.start('103 Early Hints', []);
    return 'never';
  }
}

const handlerOk = (body: string, type = HTML, returns: Record<string, number> = { body: 1 }): Expectation =>
  ok(body, returns, { headers: { 'content-type': type } });
/** Answered at the app call: an array body, nothing to close. */
const ARRAY = {};
const SECRET = 'conformance-secret-of-at-least-32-characters';

export const handlerCases: Case[] = [
  {
    name: 'handler-get',
    note: 'a BaseHandler answering GET with the default text/html',
    app: Hello,
    expect: handlerOk('hello from a handler', HTML, ARRAY),
  },
  {
    name: 'handler-constructed',
    note: 'the same class constructed by a function app: the instance is the body, iterated and closed once',
    app: (environ, startResponse) => new Hello(environ, startResponse),
    expect: handlerOk('hello from a handler'),
  },
  {
    name: 'handler-head',
    note: 'HEAD falls back to GET without the body',
    request: { method: 'HEAD' },
    app: Hello,
    expect: { status: 200, aborted: false, rules: [], returns: ARRAY, body: '' },
  },
  {
    name: 'handler-async-start',
    note: 'an async doGET calling this.start',
    app: AsyncHello,
    expect: handlerOk('async handler', 'text/plain; charset=utf-8', ARRAY),
  },
  {
    name: 'handler-post-body',
    note: 'a handler reading the request body with this.text()',
    request: { method: 'POST', body: 'ping', headers: { 'content-type': 'text/plain' } },
    app: Echo,
    expect: handlerOk('echo ping', 'text/plain; charset=utf-8', ARRAY),
  },
  {
    name: 'handler-405',
    note: 'a method the handler lacks: 405 with Allow',
    request: { method: 'DELETE' },
    app: Hello,
    expect: { status: 405, aborted: false, rules: [], returns: ARRAY },
  },
  {
    name: 'handler-http-error',
    note: 'a thrown HttpError(404) is rendered by the handler',
    app: Missing,
    expect: { status: 404, aborted: false, rules: [], returns: ARRAY, body: /no such thing/ },
  },
  {
    name: 'handler-throws',
    note: 'an unexpected error reaches the host: the generic 500 (issue 9, item 5)',
    app: Exploding,
    expect: refused(null, ARRAY),
  },
  {
    name: 'handler-bad-header',
    note: 'this.start with a CR LF value: 500 with the rule',
    app: BadHeader,
    expect: refused('header-value', ARRAY),
  },
  {
    name: 'handler-informational',
    note: 'this.start with 103: 500 with status-informational',
    app: Informational,
    expect: refused('status-informational', ARRAY),
  },
  {
    name: 'handler-access-log',
    note: 'accessLog around a BaseHandler: logged complete, not aborted (issue 9)',
    app: logged(Hello),
    expect: handlerOk('hello from a handler', HTML, ARRAY),
  },
  {
    name: 'handler-wrapped',
    note: 'a BaseHandler inside accessLog, compress, sessions and showErrors',
    request: { headers: { 'accept-encoding': 'gzip' } },
    app: logged(compress(sessions(showErrors(Hello), { secrets: [SECRET], store: new MemoryStore() }), { encodings: ['gzip'] })),
    expect: handlerOk('hello from a handler', HTML, ARRAY),
  },
  {
    name: 'handler-wrapped-throws',
    ownErrorPage: true,
    note: 'a throwing BaseHandler inside showErrors: its 500 with a reference id, and the stack in the log',
    app: logged(showErrors(Exploding)),
    expect: { ...refused(null, ARRAY), body: /XXXXXXXX/ },
  },
];
