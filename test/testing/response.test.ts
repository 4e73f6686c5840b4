import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/gateway/spec.js';
import type { App, Chunk, Environ, StartResponse } from '../../src/gateway/types.js';
import { TestClient, TestResponse } from '../../src/testing/index.js';
import { fixed, trackedBody } from './apps.js';

const TEXT: Array<[string, string]> = [['Content-Type', 'text/plain; charset=utf-8']];

describe('TestResponse', () => {
  it('exposes status, reason, status line and headers by any case', async () => {
    const app = fixed('201 Created', [['Content-Type', 'text/plain'], ['Location', '/e/1'], ['Set-Cookie', 'a=1'], ['set-cookie', 'b=2']], ['made']);
    const res = await new TestClient(app).post('/e');
    expect(res).toBeInstanceOf(TestResponse);
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Created');
    expect(res.statusLine).toBe('201 Created');
    expect(res.ok).toBe(true);
    expect(res.headers.get('location')).toBe('/e/1');
    expect(res.headers.has('LOCATION')).toBe(true);
    expect(res.headers.has('ETag')).toBe(false);
    expect(res.headers.getAll('Set-Cookie')).toEqual(['a=1', 'b=2']);
    expect(res.headers.list).toEqual([
      ['Content-Type', 'text/plain'],
      ['Location', '/e/1'],
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      // What a server frames a whole sync body with.
      ['Content-Length', '4'],
    ]);
  });

  it('keeps a custom reason phrase', async () => {
    const res = await new TestClient(fixed('299 Quite Fine', TEXT, [])).get('/');
    expect(res.status).toBe(299);
    expect(res.statusText).toBe('Quite Fine');
    expect(res.ok).toBe(true);
    const missing = await new TestClient(fixed('404 Not Found', TEXT, ['nope'])).get('/');
    expect(missing.ok).toBe(false);
  });

  it('gives the body as text, bytes and json, synchronously and repeatedly', async () => {
    const res = await new TestClient(fixed('200 OK', [['Content-Type', 'application/json']], ['{"name":', '"Zoë"}'])).get('/');
    expect(res.text()).toBe('{"name":"Zoë"}');
    expect(res.text()).toBe('{"name":"Zoë"}');
    expect(res.json<{ name: string }>().name).toBe('Zoë');
    const bytes = res.bytes();
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBe(Buffer.byteLength('{"name":"Zoë"}'));
    bytes[0] = 0;
    expect(res.text()).toBe('{"name":"Zoë"}');
  });

  it('says what went wrong when json() gets something else', async () => {
    const res = await new TestClient(fixed('500 Internal Server Error', TEXT, ['<html>oops'])).get('/');
    expect(() => res.json()).toThrow(SyntaxError);
    expect(() => res.json()).toThrow(/500 Internal Server Error is not JSON.*<html>oops/);
  });

  it('shows what the app wrote to tsgi.errors', async () => {
    const app: App = (environ, startResponse) => {
      environ['tsgi.errors'].write('cache miss\n');
      environ['tsgi.errors'].writelines(['a', 'b\n']);
      startResponse('200 OK', TEXT);
      return ['ok'];
    };
    expect((await new TestClient(app).get('/')).errors).toBe('cache miss\nab\n');
  });
});

describe('TestClient driving an app', () => {
  it('collects sync generator, async generator and array bodies alike', async () => {
    function* sync(): Generator<Chunk> {
      yield 'a';
      yield new TextEncoder().encode('b');
    }
    async function* async_(): AsyncGenerator<Chunk> {
      yield 'c';
      await new Promise((resolve) => setTimeout(resolve, 1));
      yield 'd';
    }
    expect((await new TestClient(fixed('200 OK', TEXT, sync())).get('/')).text()).toBe('ab');
    expect((await new TestClient(fixed('200 OK', TEXT, async_())).get('/')).text()).toBe('cd');
    expect((await new TestClient(fixed('200 OK', TEXT, ['e', '', 'f'])).get('/')).text()).toBe('ef');
  });

  it('accepts async apps and app classes', async () => {
    const asyncApp: App = async (_environ, startResponse) => {
      await Promise.resolve();
      startResponse('200 OK', TEXT);
      return ['async'];
    };
    class Hello implements AsyncIterable<Chunk> {
      constructor(
        private readonly environ: Environ,
        private readonly start: StartResponse,
      ) {}
      async *[Symbol.asyncIterator](): AsyncGenerator<Chunk> {
        this.start('200 OK', TEXT);
        yield `hello ${this.environ.PATH_INFO}`;
      }
    }
    expect((await new TestClient(asyncApp).get('/')).text()).toBe('async');
    expect((await new TestClient(Hello).get('/you')).text()).toBe('hello /you');
  });

  it('collects write() output ahead of the body', async () => {
    const app: App = async (_environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      await write('early ');
      await write(new TextEncoder().encode('bytes '));
      return ['then body'];
    };
    expect((await new TestClient(app).get('/')).text()).toBe('early bytes then body');
  });

  describe('HEAD', () => {
    it('drops the body but keeps the headers, closing the body without pulling from it', async () => {
      let pulled = 0;
      let closed = 0;
      const tracked = {
        body: {
          [Symbol.asyncIterator]: () => ({
            next: async () => ({ done: pulled++ > 0, value: 'hello' }) as IteratorResult<string>,
            return: async () => {
              closed++;
              return { done: true as const, value: undefined };
            },
          }),
        },
        closed: () => closed === 1 && pulled === 0,
      };
      const app = fixed('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']], tracked.body);
      // The validator forbids a HEAD body, so this is what a server does with a lax app.
      const res = await new TestClient(app, { validate: false }).head('/');
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Length')).toBe('5');
      expect(res.text()).toBe('');
      expect(res.bytes().length).toBe(0);
      expect(tracked.closed()).toBe(true);
    });

    it('drops write() output too', async () => {
      const app: App = async (_environ, startResponse) => {
        await startResponse('200 OK', TEXT)('written');
        return [];
      };
      expect((await new TestClient(app, { validate: false }).head('/')).text()).toBe('');
    });

    it('keeps the headers of an app that honours HEAD, under the validator', async () => {
      const app: App = (environ, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']]);
        return environ.REQUEST_METHOD === 'HEAD' ? [] : ['hello'];
      };
      const client = new TestClient(app);
      const head = await client.head('/');
      expect(head.headers.list).toEqual([['Content-Type', 'text/plain'], ['Content-Length', '5']]);
      expect(head.text()).toBe('');
      expect((await client.get('/')).text()).toBe('hello');
    });
  });

  it('drops the body of a response whose status cannot have one', async () => {
    const res = await new TestClient(fixed('304 Not Modified', [], ['stale']), { validate: false }).get('/');
    expect(res.status).toBe(304);
    expect(res.text()).toBe('');
  });

  describe('return()', () => {
    it('is called when the body completes', async () => {
      const tracked = trackedBody(['a', 'b']);
      await new TestClient(fixed('200 OK', TEXT, tracked.body)).get('/');
      expect(tracked.closed()).toBe(true);
    });

    it('is called when the body throws, and the request rejects with that error', async () => {
      const tracked = trackedBody(['a', 'b'], 1);
      await expect(new TestClient(fixed('200 OK', TEXT, tracked.body)).get('/')).rejects.toThrow('body failed at chunk 1');
      expect(tracked.closed()).toBe(true);
    });

    it('is called on a plain iterator that was not exhausted because the app broke a rule', async () => {
      let returned = 0;
      const body: Iterable<Chunk> = {
        [Symbol.iterator]: () => ({
          next: () => ({ done: false, value: 42 as unknown as Chunk }),
          return: () => {
            returned++;
            return { done: true, value: undefined };
          },
        }),
      };
      await expect(new TestClient(fixed('200 OK', TEXT, body), { validate: false }).get('/')).rejects.toThrow(GatewayError);
      expect(returned).toBe(1);
    });

    it('rejects with the error return() throws', async () => {
      const body: AsyncIterable<Chunk> = {
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ done: true, value: undefined }),
          return: async () => {
            throw new Error('cleanup failed');
          },
        }),
      };
      const request = new TestClient(fixed('200 OK', TEXT, body), { validate: false }).get('/');
      await expect(request).rejects.toThrow('cleanup failed');
    });
  });

  describe('startResponse rules, enforced like a server (validator off)', () => {
    const raw = (app: App): TestClient => new TestClient(app, { validate: false });

    it('rejects a malformed status when startResponse is called', async () => {
      let threwAtCall = false;
      const app: App = (_environ, startResponse) => {
        try {
          startResponse('200', TEXT);
        } catch (error) {
          threwAtCall = error instanceof GatewayError;
          throw error;
        }
        return [];
      };
      await expect(raw(app).get('/')).rejects.toMatchObject({ rule: 'status-format' });
      expect(threwAtCall).toBe(true);
    });

    it.each([
      [[['X-Bad', 'a\r\nSet-Cookie: x=1']], 'header-value'],
      [[['Bad Name', 'x']], 'header-name'],
      [[['Connection', 'close']], 'hop-by-hop-header'],
      [[['Status', '200']], 'status-header'],
    ] as Array<[Array<[string, string]>, string]>)('rejects the headers %j (%s)', async (headers, rule) => {
      await expect(raw(fixed('200 OK', headers, [])).get('/')).rejects.toMatchObject({ rule });
    });

    it('refuses a second call without excInfo', async () => {
      const app: App = (_environ, startResponse) => {
        startResponse('200 OK', TEXT);
        startResponse('404 Not Found', TEXT);
        return [];
      };
      await expect(raw(app).get('/')).rejects.toThrow(/already called/);
    });

    it('lets excInfo replace the status and headers before any output', async () => {
      const app: App = (_environ, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'text/html'], ['X-Was', 'ok']]);
        try {
          throw new Error('render failed');
        } catch (error) {
          startResponse('500 Internal Server Error', TEXT, error);
          return ['sorry'];
        }
      };
      const res = await raw(app).get('/');
      expect(res.statusLine).toBe('500 Internal Server Error');
      expect(res.headers.list).toEqual([...TEXT, ['Content-Length', '5']]);
      expect(res.text()).toBe('sorry');
    });

    it('rethrows excInfo once output has started', async () => {
      const original = new Error('mid-stream failure');
      let rethrown: unknown;
      async function* body(start: StartResponse): AsyncGenerator<Chunk> {
        yield 'partial';
        try {
          start('500 Internal Server Error', TEXT, original);
        } catch (error) {
          rethrown = error;
          throw error;
        }
      }
      const app: App = (_environ, startResponse) => {
        startResponse('200 OK', TEXT);
        return body(startResponse);
      };
      await expect(raw(app).get('/')).rejects.toBe(original);
      expect(rethrown).toBe(original);
    });

    it('counts write() output as sent for excInfo', async () => {
      const original = new Error('after write');
      const app: App = async (_environ, startResponse) => {
        await startResponse('200 OK', TEXT)('x');
        startResponse('500 Internal Server Error', TEXT, original);
        return [];
      };
      await expect(raw(app).get('/')).rejects.toBe(original);
    });

    it('lets empty chunks through before startResponse', async () => {
      async function* lazy(start: StartResponse): AsyncGenerator<Chunk> {
        yield '';
        start('200 OK', TEXT);
        yield 'late start';
      }
      const res = await raw((_environ, startResponse) => lazy(startResponse)).get('/');
      expect(res.text()).toBe('late start');
    });

    it('rejects output before startResponse', async () => {
      await expect(raw(() => ['too early']).get('/')).rejects.toMatchObject({ rule: 'start-response-first' });
    });

    it('rejects an app that never calls startResponse', async () => {
      await expect(raw(() => []).get('/')).rejects.toMatchObject({ rule: 'start-response-missing' });
    });

    it('rejects a body that is not an iterable of chunks', async () => {
      const stringBody: App = (_environ, startResponse) => {
        startResponse('200 OK', TEXT);
        return 'oops' as never;
      };
      await expect(raw(stringBody).get('/')).rejects.toMatchObject({ rule: 'body-type' });
      await expect(raw(fixed('200 OK', TEXT, [{}] as never)).get('/')).rejects.toMatchObject({ rule: 'chunk-type' });
    });

    it('rejects write() after the response has finished', async () => {
      let write: ((chunk: Chunk) => Promise<void>) | undefined;
      const app: App = (_environ, startResponse) => {
        write = startResponse('200 OK', TEXT);
        return [];
      };
      await raw(app).get('/');
      // Rejected (and logged) as on every host, rather than thrown.
      await expect(write!('late')).rejects.toMatchObject({ rule: 'write-after-close' });
    });
  });

  describe('errors thrown by the app', () => {
    it('reject the request with the very error by default', async () => {
      const failure = new RangeError('no such entry');
      const app: App = () => {
        throw failure;
      };
      await expect(new TestClient(app).get('/')).rejects.toBe(failure);
    });

    it('become a 500 with a generic body under catchErrors, details in errors', async () => {
      const app: App = async (_environ, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'text/html'], ['Set-Cookie', 'sid=1']]);
        throw new Error('database is down');
      };
      const client = new TestClient(app, { catchErrors: true });
      const res = await client.get('/entries');
      expect(res.status).toBe(500);
      expect(res.statusLine).toBe('500 Internal Server Error');
      expect(res.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
      expect(res.headers.get('Content-Length')).toBe(String(res.bytes().length));
      const reference = /^Internal Server Error \(reference ([0-9a-f]{8})\)\n$/.exec(res.text())?.[1];
      expect(reference, res.text()).toBeDefined();
      expect(res.errors).toContain(`GET /entries [reference ${reference}]: Error: database is down`);
      expect(res.text()).not.toContain('database');
      expect(res.errors).toContain('GET /entries');
      expect(res.errors).toContain('Error: database is down');
      expect(client.cookies.get('sid')).toBeUndefined();
    });

    it('under catchErrors give a 500 without a body for HEAD', async () => {
      const res = await new TestClient(() => Promise.reject(new Error('x')), { catchErrors: true }).head('/');
      expect(res.status).toBe(500);
      expect(res.text()).toBe('');
    });

    it('after output has started still reject under catchErrors, and are logged', async () => {
      const tracked = trackedBody(['partial', 'rest'], 1);
      const request = new TestClient(fixed('200 OK', TEXT, tracked.body), { catchErrors: true }).get('/');
      await expect(request).rejects.toThrow('body failed at chunk 1');
      expect(tracked.closed()).toBe(true);
    });
  });
});
