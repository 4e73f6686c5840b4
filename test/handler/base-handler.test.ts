import { describe, expect, it } from 'vitest';
import { BaseHandler } from '../../src/handler/index.js';
import { dispatchTable } from '../../src/handler/dispatch.js';
import { HttpError, type Chunk } from '../../src/gateway/index.js';
import { TestClient } from '../../src/testing/index.js';

class Blog extends BaseHandler {
  doGETALL(): string {
    return 'all entries';
  }
  doGET(): string {
    return `entry ${this.pathInfo.slice(1)}`;
  }
  doPUT(): string {
    this.statusOverride = '201 Created';
    return this.doGET();
  }
  doDELETE(): void {
    this.start('204 No Content', []);
  }
  doPOSTALL(): string {
    return 'posted';
  }
}

describe('BaseHandler dispatch', () => {
  const client = new TestClient(Blog);

  it('calls doGETALL at the collection root, for both "" and "/"', async () => {
    expect((await client.get('/')).text()).toBe('all entries');
    const empty = await client.get('/', { environ: { PATH_INFO: '', SCRIPT_NAME: '/blog' } });
    expect(empty.text()).toBe('all entries');
  });

  it('calls doGET below the root', async () => {
    const response = await client.get('/first');
    expect(response.status).toBe(200);
    expect(response.text()).toBe('entry first');
  });

  it('falls back to doMETHOD at the root when there is no doMETHODALL', async () => {
    class Plain extends BaseHandler {
      doGET(): string {
        return `plain ${this.pathInfo}`;
      }
    }
    expect((await new TestClient(Plain).get('/')).text()).toBe('plain /');
  });

  it('answers 405 with the exact Allow of each path and a short text body', async () => {
    const atItem = await client.post('/first', { body: 'x' });
    expect(atItem.status).toBe(405);
    expect(atItem.headers.get('Allow')).toBe('DELETE, GET, HEAD, OPTIONS, PUT');
    expect(atItem.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(atItem.text()).toContain('POST is not allowed here');

    const atRoot = await client.patch('/', { body: 'x' });
    expect(atRoot.status).toBe(405);
    expect(atRoot.headers.get('Allow')).toBe('DELETE, GET, HEAD, OPTIONS, POST, PUT');
  });

  it('treats methods case-sensitively', async () => {
    const response = await client.request('get', '/first');
    expect(response.status).toBe(405);
  });

  it('computes the method table once per class', () => {
    expect(dispatchTable(Blog, BaseHandler)).toBe(dispatchTable(Blog, BaseHandler));
    expect(dispatchTable(Blog, BaseHandler).root.methods.get('GET')).toBe('doGETALL');
  });

  it('answers OPTIONS with 204 and Allow when there is no doOPTIONS', async () => {
    const response = await client.options('/first');
    expect(response.status).toBe(204);
    expect(response.headers.get('Allow')).toBe('DELETE, GET, HEAD, OPTIONS, PUT');
    expect(response.text()).toBe('');
  });

  it('uses doOPTIONS when defined', async () => {
    class Custom extends BaseHandler {
      doOPTIONS(): string {
        this.start('200 OK', [['Content-Type', 'text/plain'], ['Allow', 'OPTIONS']]);
        return 'custom';
      }
    }
    expect((await new TestClient(Custom).options('/x')).text()).toBe('custom');
  });

  it('answers HEAD from doGET with the headers and no body', async () => {
    const get = await client.get('/first');
    const head = await client.head('/first');
    expect(head.status).toBe(200);
    expect(head.text()).toBe('');
    expect(head.headers.get('Content-Length')).toBe(get.headers.get('Content-Length'));
    expect(head.headers.get('Content-Type')).toBe(get.headers.get('Content-Type'));
  });

  it('prefers doHEAD when defined', async () => {
    class WithHead extends BaseHandler {
      doGET(): string {
        return 'get';
      }
      doHEAD(): void {
        this.start('200 OK', [['Content-Type', 'text/plain'], ['X-From', 'head']]);
      }
    }
    expect((await new TestClient(WithHead).head('/x')).headers.get('X-From')).toBe('head');
  });

  it('inherits do-methods from intermediate classes', async () => {
    class Child extends Blog {}
    const response = await new TestClient(Child).put('/x', { body: 'y' });
    expect(response.status).toBe(201);
  });
});

describe('BaseHandler responses', () => {
  it('defaults to 200 text/html with a Content-Length', async () => {
    const response = await new TestClient(Blog).get('/é');
    expect(response.statusLine).toBe('200 OK');
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('Content-Length')).toBe(String(Buffer.byteLength('entry é')));
  });

  it('applies statusOverride over a 200 chosen by start()', async () => {
    class Article extends BaseHandler {
      doGET(): string {
        this.start('200 OK', [['Content-Type', 'text/plain']]);
        return 'text';
      }
      doPUT(): string {
        this.statusOverride = '201 Created';
        return this.doGET();
      }
    }
    const response = await new TestClient(Article).put('/a', { body: 'x' });
    expect(response.statusLine).toBe('201 Created');
    expect(response.headers.get('Content-Type')).toBe('text/plain');
  });

  it('lets a later non-200 status win over statusOverride', async () => {
    class Missing extends BaseHandler {
      doGET(): string {
        this.start('404 Not Found', [['Content-Type', 'text/plain']]);
        return 'gone';
      }
      doPUT(): string {
        this.statusOverride = '201 Created';
        return this.doGET();
      }
    }
    expect((await new TestClient(Missing).put('/a', { body: 'x' })).status).toBe(404);
  });

  it('drops the body and content headers of a 204', async () => {
    const response = await new TestClient(Blog).delete('/first');
    expect(response.status).toBe(204);
    expect(response.text()).toBe('');
    expect(response.headers.has('Content-Type')).toBe(false);
  });

  it('accepts bytes, iterables, async iterables, promises and nothing', async () => {
    class Shapes extends BaseHandler {
      doGET(): unknown {
        switch (this.pathInfo) {
          case '/bytes':
            return new TextEncoder().encode('bytes');
          case '/iterable':
            return ['it', 'er', 'able'];
          case '/async':
            return (async function* (): AsyncGenerator<Chunk> {
              yield 'as';
              yield 'ync';
            })();
          case '/promise':
            return Promise.resolve('promised');
          default:
            return undefined;
        }
      }
    }
    const client = new TestClient(Shapes);
    expect((await client.get('/bytes')).text()).toBe('bytes');
    expect((await client.get('/iterable')).text()).toBe('iterable');
    const streamed = await client.get('/async');
    expect(streamed.text()).toBe('async');
    expect(streamed.headers.has('Content-Length')).toBe(false);
    expect((await client.get('/promise')).text()).toBe('promised');
    const nothing = await client.get('/nothing');
    expect(nothing.status).toBe(200);
    expect(nothing.headers.get('Content-Length')).toBe('0');
  });

  it('closes a streamed body that HEAD does not send', async () => {
    let closed = false;
    let pulled = false;
    // An explicit iterator rather than a generator: an unstarted generator's
    // return() never runs its finally, so it could not show the close.
    const body: AsyncIterable<Chunk> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          pulled = true;
          return { done: false, value: 'never sent' };
        },
        return: async () => {
          closed = true;
          return { done: true, value: undefined };
        },
      }),
    };
    class Stream extends BaseHandler {
      doGET(): AsyncIterable<Chunk> {
        this.start('200 OK', [['Content-Type', 'text/plain']]);
        return body;
      }
    }
    const response = await new TestClient(Stream).head('/');
    expect(response.text()).toBe('');
    expect(response.headers.get('Content-Type')).toBe('text/plain');
    expect(pulled).toBe(false);
    expect(closed).toBe(true);
  });

  it('streams through the write() returned by start()', async () => {
    class Writer extends BaseHandler {
      async doGET(): Promise<string> {
        const write = this.start('200 OK', [['Content-Type', 'text/plain']]);
        await write('first ');
        return 'second';
      }
    }
    expect((await new TestClient(Writer).get('/')).text()).toBe('first second');
  });
});

describe('BaseHandler errors', () => {
  it('turns a thrown HttpError into its response', async () => {
    class Strict extends BaseHandler {
      doGET(): never {
        throw new HttpError(404, 'entry not found', { headers: [['X-Reason', 'missing']] });
      }
    }
    const response = await new TestClient(Strict).get('/nope');
    expect(response.statusLine).toBe('404 Not Found');
    expect(response.headers.get('X-Reason')).toBe('missing');
    expect(response.text()).toBe('entry not found\n');
  });

  it('replaces a status already chosen with start() when an HttpError follows', async () => {
    class Late extends BaseHandler {
      doGET(): never {
        this.start('200 OK', [['Content-Type', 'text/html']]);
        throw new HttpError(409, 'conflict');
      }
    }
    expect((await new TestClient(Late).get('/')).status).toBe(409);
  });

  it('lets any other error reach the host, which answers its generic 500 and logs it once', async () => {
    class Broken extends BaseHandler {
      doGET(): never {
        throw new Error('database password is hunter2');
      }
    }
    await expect(new TestClient(Broken).get('/x')).rejects.toThrow('database password is hunter2');
    const response = await new TestClient(Broken, { catchErrors: true }).get('/x');
    expect(response.status).toBe(500);
    expect(response.text()).not.toContain('hunter2');
    expect(response.errors.split('database password is hunter2').length - 1).toBe(1);
  });

  it('lets an error from an async method reach the host too', async () => {
    class Broken extends BaseHandler {
      async doGET(): Promise<string> {
        await Promise.resolve();
        throw new RangeError('async failure');
      }
    }
    await expect(new TestClient(Broken).get('/')).rejects.toThrow(RangeError);
    expect((await new TestClient(Broken, { catchErrors: true }).get('/')).status).toBe(500);
  });

  it('rejects with a TypeError when a method returns something that is not a body', async () => {
    class Wrong extends BaseHandler {
      doGET(): unknown {
        return 42;
      }
    }
    await expect(new TestClient(Wrong).get('/')).rejects.toThrow(/handler returned number/);
  });

  it('refuses a header value with CR/LF at start(), so the host answers 500 without it', async () => {
    class Injector extends BaseHandler {
      doGET(): string {
        this.start('200 OK', [['Content-Type', 'text/plain'], ['X-Evil', 'a\r\nSet-Cookie: owned=1']]);
        return 'x';
      }
    }
    await expect(new TestClient(Injector).get('/')).rejects.toMatchObject({ rule: 'header-value' });
    const response = await new TestClient(Injector, { catchErrors: true }).get('/');
    expect(response.status).toBe(500);
    expect(response.headers.has('Set-Cookie')).toBe(false);
    expect(response.headers.has('X-Evil')).toBe(false);
    expect(response.errors).toContain('header-value');
  });

  it('cannot change the status once write() has sent the headers', async () => {
    class Midway extends BaseHandler {
      async doGET(): Promise<string> {
        await this.start('200 OK', [['Content-Type', 'text/plain']])('partial');
        throw new Error('failed after output');
      }
    }
    await expect(new TestClient(Midway).get('/')).rejects.toThrow('failed after output');
  });

  it('cannot change the status either when a synchronous method throws after write()', async () => {
    class SyncMidway extends BaseHandler {
      doGET(): string {
        void this.start('200 OK', [['Content-Type', 'text/plain']])('partial');
        throw new Error('failed after sync output');
      }
    }
    await expect(new TestClient(SyncMidway).get('/')).rejects.toThrow('failed after sync output');
  });

  it('answers a synchronous method and an async one the same way', async () => {
    class Both extends BaseHandler {
      doGET(): string {
        return 'same';
      }
      async doPOST(): Promise<string> {
        return 'same';
      }
      doPUT(): never {
        throw HttpError.conflict('sync conflict');
      }
      async doPATCH(): Promise<never> {
        throw HttpError.conflict('async conflict');
      }
    }
    class OnlyAsync extends BaseHandler {
      async doGET(): Promise<string> {
        return 'same';
      }
    }
    const client = new TestClient(Both);
    const sync = await client.get('/');
    const promised = await client.post('/', { body: 'x' });
    expect([sync.statusLine, sync.text(), sync.headers.list]).toEqual([promised.statusLine, promised.text(), promised.headers.list]);
    expect((await new TestClient(OnlyAsync).get('/')).headers.list).toEqual(sync.headers.list);
    expect((await client.put('/', { body: 'x' })).text()).toBe('sync conflict\n');
    expect((await client.patch('/', { body: 'x' })).text()).toBe('async conflict\n');
    expect((await new TestClient(OnlyAsync).delete('/')).status).toBe(405);
  });
});

describe('BaseHandler query and fields', () => {
  class Echo extends BaseHandler {
    static override bodyLimit = 64;
    doGET(): string {
      return JSON.stringify(this.query);
    }
    async doPOST(): Promise<string> {
      const fields = await this.parseFields();
      return JSON.stringify({ fields, proto: Object.getPrototypeOf(fields) === null });
    }
  }
  const client = new TestClient(Echo);

  it('parses the query string like parse_qs, keeping repeats', async () => {
    const response = await client.get('/?a=1&b=two+words&a=3&c=%C3%A9');
    expect(JSON.parse(response.text())).toEqual({ a: ['1', '3'], b: ['two words'], c: ['é'] });
  });

  it('answers 400 for a malformed query escape', async () => {
    const response = await client.get('/?a=%E0%A4%A');
    expect(response.status).toBe(400);
    expect(response.text()).toContain('"a"');
  });

  it('parses urlencoded fields into a null-prototype record', async () => {
    const response = await client.post('/', { form: { myparam: '42', note: 'hi there' } });
    expect(JSON.parse(response.text())).toEqual({ fields: { myparam: ['42'], note: ['hi there'] }, proto: true });
  });

  it('keeps __proto__ and constructor as plain field names', async () => {
    const response = await client.post('/', {
      body: '__proto__=polluted&constructor=x&prototype=y',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const parsed = JSON.parse(response.text()) as { fields: Record<string, string[]> };
    expect(parsed.fields.constructor).toEqual(['x']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('reads chunked bodies', async () => {
    async function* chunks(): AsyncGenerator<string> {
      yield 'myparam=';
      yield '4';
      yield '2';
    }
    const response = await client.post('/', {
      body: chunks(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(JSON.parse(response.text()).fields).toEqual({ myparam: ['42'] });
  });

  it('gives empty fields when there is no body', async () => {
    const response = await client.post('/');
    expect(JSON.parse(response.text()).fields).toEqual({});
  });

  it('answers 415 for another content type', async () => {
    const response = await client.post('/', { json: { myparam: 1 } });
    expect(response.status).toBe(415);
    expect(response.text()).toContain('application/x-www-form-urlencoded');
  });

  it('answers 413 from Content-Length before reading the body', async () => {
    let pulled = false;
    const response = await client.post('/', {
      body: (async function* (): AsyncGenerator<string> {
        pulled = true;
        yield 'x';
      })(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '1000000' },
    });
    expect(response.status).toBe(413);
    expect(pulled).toBe(false);
  });

  it('answers 413 to a chunked body as soon as it passes the limit', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<string> {
      for (let i = 0; i < 10_000; i++) {
        produced++;
        yield 'a=0123456789&';
      }
    }
    const response = await client.post('/', {
      body: endless(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(413);
    expect(response.text()).toContain('limit of 64 bytes');
    expect(produced).toBeLessThan(10);
  });
});
