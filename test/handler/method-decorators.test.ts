import { describe, expect, it } from 'vitest';
import { accepts, after, BaseHandler, before, bodyLimit, contentType, query, responseHeader, status, type HandlerResult } from '../../src/handler/index.js';
import { HttpError } from '../../src/gateway/index.js';
import { TestClient } from '../../src/testing/index.js';

describe('@status', () => {
  class Entries extends BaseHandler {
    doGET(): string {
      this.start('200 OK', [['Content-Type', 'text/plain']]);
      return 'entry';
    }
    @status(201)
    doPOST(): string {
      return 'created';
    }
    @status(201)
    doPUT(): string {
      return this.doGET();
    }
    @status(201)
    doPATCH(): string {
      this.statusOverride = '202 Accepted';
      return 'later';
    }
    @status(201)
    doDELETE(): string {
      this.start('409 Conflict', [['Content-Type', 'text/plain']]);
      return 'conflict';
    }
    @status(204)
    doLOCK(): string {
      return 'dropped';
    }
  }
  const client = new TestClient(Entries);

  it('sets the status of a method that does not call start()', async () => {
    const response = await client.post('/', { body: 'x' });
    expect(response.statusLine).toBe('201 Created');
    expect(response.text()).toBe('created');
  });

  it('replaces a 200 chosen by start() in a method it returns into, like statusOverride', async () => {
    const response = await client.put('/a', { body: 'x' });
    expect(response.statusLine).toBe('201 Created');
    expect(response.headers.get('Content-Type')).toBe('text/plain');
  });

  it('loses to statusOverride set in the method and to a non-200 start()', async () => {
    expect((await client.patch('/a', { body: 'x' })).status).toBe(202);
    expect((await client.delete('/a')).status).toBe(409);
  });

  it('drops the body of a 204', async () => {
    const response = await client.request('LOCK', '/a');
    expect(response.status).toBe(204);
    expect(response.text()).toBe('');
  });

  it('refuses a code that is not a final status', () => {
    expect(() => status(100)).toThrow(RangeError);
    expect(() => status(1000)).toThrow(RangeError);
  });
});

describe('@responseHeader and @contentType', () => {
  class Api extends BaseHandler {
    @contentType('application/json')
    @responseHeader('Cache-Control', 'no-store')
    @responseHeader('X-One', '1')
    doGET(): string {
      return '{"ok":true}';
    }
    @responseHeader('Cache-Control', 'max-age=60')
    doPUT(): string {
      this.start('200 OK', [['Content-Type', 'text/plain'], ['Cache-Control', 'private']]);
      return 'mine';
    }
    @responseHeader('X-Only-On-Success', 'yes')
    doDELETE(): never {
      throw HttpError.notFound('gone already');
    }
  }
  const client = new TestClient(Api);

  it('sets the default Content-Type and adds headers in written order', async () => {
    const response = await client.get('/');
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(response.headers.list.map(([name]) => name)).toEqual(['Content-Type', 'Cache-Control', 'X-One', 'Content-Length']);
  });

  it('applies to HEAD through the GET method, and to streamed bodies', async () => {
    const head = await client.head('/');
    expect(head.text()).toBe('');
    expect(head.headers.get('Content-Type')).toBe('application/json');
    expect(head.headers.get('Cache-Control')).toBe('no-store');
    class Streamed extends BaseHandler {
      @contentType('text/plain')
      @responseHeader('X-Streamed', 'yes')
      @status(202)
      async *doGET(): AsyncGenerator<string> {
        yield 'a';
        yield 'b';
      }
    }
    const streamed = await new TestClient(Streamed).get('/');
    expect(streamed.statusLine).toBe('202 Accepted');
    expect(streamed.text()).toBe('ab');
    expect(streamed.headers.get('X-Streamed')).toBe('yes');
    expect(streamed.headers.get('Content-Type')).toBe('text/plain');
  });

  it('leaves a header of the same name given to start() alone', async () => {
    const response = await client.put('/', { body: 'x' });
    expect(response.headers.getAll('Cache-Control')).toEqual(['private']);
    expect(response.headers.get('Content-Type')).toBe('text/plain');
  });

  it('does not add headers to error responses', async () => {
    const response = await client.delete('/');
    expect(response.status).toBe(404);
    expect(response.headers.has('X-Only-On-Success')).toBe(false);
  });

  it('refuses header values that could split the response', () => {
    expect(() => responseHeader('X-Evil', 'a\r\nSet-Cookie: x=1')).toThrow();
    expect(() => contentType('text/html\nX: y')).toThrow();
  });
});

describe('@accepts', () => {
  class Notes extends BaseHandler {
    @accepts('application/json', 'text/*')
    async doPOST(): Promise<string> {
      return `got ${(await this.text()).length}`;
    }
    @accepts('application/merge-patch+json')
    doPATCH(): string {
      return 'patched';
    }
  }
  const client = new TestClient(Notes);

  it('lets the listed types through, with parameters and wildcards', async () => {
    expect((await client.post('/', { json: { a: 1 } })).text()).toBe('got 7');
    expect((await client.post('/', { body: 'hi', headers: { 'Content-Type': 'text/markdown; charset=utf-8' } })).text()).toBe('got 2');
  });

  it('answers another type with 415 listing them and Accept-Post', async () => {
    const response = await client.post('/', { form: { a: '1' } });
    expect(response.status).toBe(415);
    expect(response.text()).toBe('Expected one of application/json, text/*, got Content-Type "application/x-www-form-urlencoded"\n');
    expect(response.headers.get('Accept-Post')).toBe('application/json, text/*');
    const patch = await client.patch('/', { body: 'x', headers: { 'Content-Type': 'application/json' } });
    expect(patch.status).toBe(415);
    expect(patch.headers.get('Accept-Patch')).toBe('application/merge-patch+json');
  });

  it('answers a body without a Content-Type with 415, and lets a request without a body through', async () => {
    const untyped = await client.post('/', { body: 'x' });
    expect(untyped.status).toBe(415);
    expect(untyped.text()).toContain('got no Content-Type');
    expect((await client.post('/')).text()).toBe('got 0');
  });

  it('checks a chunked body too', async () => {
    async function* chunks(): AsyncGenerator<string> {
      yield 'a=1';
    }
    const response = await client.post('/', { body: chunks(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(415);
  });
});

describe('@bodyLimit', () => {
  class Upload extends BaseHandler {
    static override bodyLimit = 8;
    async doPOST(): Promise<string> {
      return `${(await this.bytes()).length} ${this.effectiveBodyLimit}`;
    }
    @bodyLimit(16)
    async doPUT(): Promise<string> {
      return `${(await this.bytes()).length} ${this.effectiveBodyLimit}`;
    }
  }
  const client = new TestClient(Upload);

  it('wins over the class limit, which wins over the default', async () => {
    expect((await client.post('/', { body: '12345678' })).text()).toBe('8 8');
    expect((await client.post('/', { body: '123456789' })).status).toBe(413);
    expect((await client.put('/', { body: '1234567890123456' })).text()).toBe('16 16');
    const over = await client.put('/', { body: '12345678901234567' });
    expect(over.status).toBe(413);
    expect(over.text()).toContain('limit of 16 bytes');
    class Default extends BaseHandler {
      doGET(): string {
        return String(this.effectiveBodyLimit);
      }
    }
    expect((await new TestClient(Default).get('/')).text()).toBe(String(1024 * 1024));
  });

  it('refuses a limit that is not a whole number of bytes', () => {
    expect(() => bodyLimit(-1)).toThrow(RangeError);
    expect(() => bodyLimit(1.5)).toThrow(RangeError);
  });
});

describe('@before and @after', () => {
  const calls: string[] = [];
  const mark = (label: string) => (): void => void calls.push(label);
  const requireToken = (handler: BaseHandler): void => {
    if (handler.environ.HTTP_AUTHORIZATION !== 'Bearer secret') {
      throw HttpError.unauthorized('a bearer token is required', { headers: [['WWW-Authenticate', 'Bearer']] });
    }
  };

  @before(mark('class before 1'))
  @before(mark('class before 2'))
  @after(mark('class after'))
  class Base extends BaseHandler {
    @before(mark('method before 1'))
    @before(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      calls.push('method before 2 (async)');
    })
    @after((_handler: BaseHandler, result: HandlerResult) => {
      calls.push('method after outer');
      return typeof result === 'string' ? `${result}!` : undefined;
    })
    @after(() => void calls.push('method after inner'))
    doGET(@query('q', { default: 'none' }) q: string): string {
      calls.push(`method ${q}`);
      return 'body';
    }
  }

  @before(mark('subclass before'))
  class Sub extends Base {
    @before(requireToken)
    doPUT(@query('q') q: string): string {
      calls.push(`put ${q}`);
      return 'put';
    }
  }

  it('nest like wrappers: class outside method, stacked in written order, after inner first', async () => {
    calls.length = 0;
    const response = await new TestClient(Base).get('/?q=x');
    expect(response.text()).toBe('body!');
    expect(calls).toEqual([
      'class before 1', 'class before 2', 'method before 1', 'method before 2 (async)',
      'method x', 'method after inner', 'method after outer', 'class after',
    ]);
  });

  it('apply base class hooks outside subclass hooks, and to inherited methods', async () => {
    calls.length = 0;
    await new TestClient(Sub).get('/');
    expect(calls.slice(0, 3)).toEqual(['class before 1', 'class before 2', 'subclass before']);
  });

  it('let a before hook refuse the request before parameters are bound', async () => {
    calls.length = 0;
    const refused = await new TestClient(Sub).put('/', { body: 'x' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('WWW-Authenticate')).toBe('Bearer');
    expect(calls).not.toContain('put undefined');
    const missing = await new TestClient(Sub).put('/', { body: 'x', headers: { Authorization: 'Bearer secret' } });
    expect(missing.text()).toBe('missing query parameter "q"\n');
    const ok = await new TestClient(Sub).put('/?q=1', { body: 'x', headers: { Authorization: 'Bearer secret' } });
    expect(ok.text()).toBe('put');
    expect(calls).toContain('put 1');
    expect(calls[calls.length - 1]).toBe('class after');
  });

  it('skip after hooks when the method throws', async () => {
    let ran = false;
    class Failing extends BaseHandler {
      @after(() => void (ran = true))
      doGET(): never {
        throw HttpError.conflict('no');
      }
    }
    expect((await new TestClient(Failing).get('/')).status).toBe(409);
    expect(ran).toBe(false);
  });

  it('give hooks the instance, so a before hook can set state for the method', async () => {
    class Stateful extends BaseHandler {
      user = '';
      @before((handler: Stateful) => void (handler.user = 'ada'))
      doGET(): string {
        return this.user;
      }
    }
    expect((await new TestClient(Stateful).get('/')).text()).toBe('ada');
  });

  it('let an after hook replace a streamed result', async () => {
    class Streamy extends BaseHandler {
      @after(() => ['re', 'placed'])
      doGET(): Iterable<string> {
        return ['original'];
      }
    }
    expect((await new TestClient(Streamy).get('/')).text()).toBe('replaced');
  });

  it('do not run for the automatic OPTIONS and 405 answers', async () => {
    calls.length = 0;
    expect((await new TestClient(Base).options('/')).status).toBe(204);
    expect((await new TestClient(Base).delete('/')).status).toBe(405);
    expect(calls).toEqual([]);
  });
});
