import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { openBody } from '../../../src/gateway/body.js';
import type { App, Chunk, Environ } from '../../../src/gateway/types.js';
import { validate } from '../../../src/gateway/validator/index.js';
import { makeEnviron, newRecording, recordingStartResponse, serve, TEXT, turn } from './fake-server.js';
import { okApp } from './server-rules.js';

// A correct app under a correct server must pass untouched: same chunks,
// same statuses, no violations.
describe('validate() on correct exchanges', () => {
  it('passes an array body through unchanged, as a sync body', async () => {
    const chunk = Buffer.from('bytes');
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', [...TEXT, ['Content-Length', '9']]);
      return ['text', chunk];
    };
    const body = await validate(app)(makeEnviron(), recordingStartResponse(newRecording()));
    expect(typeof (body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator]).toBe('undefined');
    const reader = openBody(body);
    expect(reader.isAsync).toBe(false);
    expect(reader.next()).toEqual({ done: false, value: 'text' });
    expect((reader.next() as IteratorResult<Chunk>).value).toBe(chunk);
    expect(reader.next()).toMatchObject({ done: true });
    expect(await reader.close()).toBeUndefined();
  });

  it('serves an async generator, forwarding return() to it', async () => {
    let closed = false;
    const app: App = async function* (_environ, startResponse) {
      try {
        startResponse('200 OK', TEXT);
        yield 'Hello, ';
        yield new TextEncoder().encode('world');
      } finally {
        closed = true;
      }
    };
    const served = await serve(app);
    expect(served.status).toBe('200 OK');
    expect(served.text).toBe('Hello, world');
    expect(closed).toBe(true);
    expect(served.violations).toEqual([]);
  });

  it('keeps an async body async and closes it on an early return()', async () => {
    let closed = false;
    const app: App = async function* (_environ, startResponse) {
      try {
        startResponse('200 OK', TEXT);
        for (;;) yield 'tick';
      } finally {
        closed = true;
      }
    };
    const body = await validate(app)(makeEnviron(), recordingStartResponse(newRecording()));
    const reader = openBody(body);
    expect(reader.isAsync).toBe(true);
    expect(await reader.next()).toEqual({ done: false, value: 'tick' });
    expect(await reader.close()).toBeUndefined();
    expect(closed).toBe(true);
  });

  it('reports what the inner return() throws through the outer one', async () => {
    const failure = new Error('cleanup failed');
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return {
        [Symbol.iterator]: () => ({
          next: () => ({ done: true, value: undefined }),
          return: () => {
            throw failure;
          },
        }),
      };
    };
    await expect(serve(app)).rejects.toBe(failure);
  });

  it('serves an app class and a promise of a body', async () => {
    class Hello implements Iterable<Chunk> {
      constructor(
        private readonly environ: Environ,
        private readonly start: (status: string, headers: Array<[string, string]>) => unknown,
      ) {}
      *[Symbol.iterator](): Iterator<Chunk> {
        this.start('200 OK', TEXT);
        yield `Hello ${this.environ.PATH_INFO}`;
      }
    }
    expect((await serve(Hello, { environ: { PATH_INFO: '/you' } })).text).toBe('Hello /you');
    const later: App = async (_environ, startResponse) => {
      await turn();
      startResponse('201 Created', TEXT);
      return ['made'];
    };
    const served = await serve(later);
    expect([served.status, served.text, served.violations]).toEqual(['201 Created', 'made', []]);
  });

  it('passes write() through, counting its bytes toward Content-Length', async () => {
    const app: App = async (_environ, startResponse) => {
      const write = startResponse('200 OK', [...TEXT, ['Content-Length', '11']]);
      await write('early ');
      await write(new Uint8Array(0));
      return ['later'];
    };
    const served = await serve(app);
    expect(served.text).toBe('early later');
    expect(served.violations).toEqual([]);
  });

  it('lets excInfo replace the status before anything was sent', async () => {
    const app: App = async function* (_environ, startResponse) {
      startResponse('200 OK', [...TEXT, ['Content-Length', '100']]);
      yield '';
      try {
        throw new Error('no such entry');
      } catch (error) {
        startResponse('404 Not Found', TEXT, error);
      }
      yield 'missing';
    };
    const served = await serve(app);
    expect([served.status, served.text, served.calls]).toEqual(['404 Not Found', 'missing', 2]);
  });

  it('lets a correct server rethrow excInfo after the headers were sent', async () => {
    const failure = new Error('disk full');
    const app: App = async function* (_environ, startResponse) {
      startResponse('200 OK', TEXT);
      yield 'partial';
      startResponse('500 Internal Server Error', TEXT, failure);
    };
    await expect(serve(app)).rejects.toBe(failure);
  });

  it('allows HEAD and 304 responses to declare a length they do not send', async () => {
    const declared: App = (_environ, startResponse) => {
      startResponse('200 OK', [...TEXT, ['Content-Length', '1234']]);
      return [''];
    };
    expect((await serve(declared, { environ: { REQUEST_METHOD: 'HEAD' } })).violations).toEqual([]);
    const notModified: App = (_environ, startResponse) => {
      startResponse('304 Not Modified', [['ETag', '"v1"'], ['Content-Length', '1234']]);
      return [];
    };
    expect((await serve(notModified)).status).toBe('304 Not Modified');
  });

  it('accepts 204 without Content-Type', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('204 No Content', []);
      return [];
    };
    expect((await serve(app)).status).toBe('204 No Content');
  });

  it('passes input reads through, in every style', async () => {
    const seen: string[] = [];
    const app: App = async (environ, startResponse) => {
      const input = environ['tsgi.input'];
      seen.push(Buffer.from(await input.readline()).toString());
      seen.push(Buffer.from(await input.read(3)).toString());
      seen.push(Buffer.from(await input.readline(2)).toString());
      for await (const chunk of input) seen.push(Buffer.from(chunk).toString());
      seen.push(String((await input.read()).length));
      startResponse('200 OK', TEXT);
      return [];
    };
    const served = await serve(app, { input: ['line one\nab', 'cdef', 'gh'] });
    expect(seen).toEqual(['line one\n', 'abc', 'de', 'f', 'gh', '0']);
    expect(served.violations).toEqual([]);
  });

  it('passes error stream writes through', async () => {
    const app: App = (environ, startResponse) => {
      environ['tsgi.errors'].write('one\n');
      environ['tsgi.errors'].writelines(['two\n', 'three\n']);
      environ['tsgi.errors'].flush();
      startResponse('200 OK', TEXT);
      return [];
    };
    expect((await serve(app)).errors.text).toBe('one\ntwo\nthree\n');
  });

  it('accepts a mounted app and one at the root', async () => {
    await expect(serve(okApp, { environ: { SCRIPT_NAME: '/blog', PATH_INFO: '' } })).resolves.toBeDefined();
    await expect(serve(okApp, { environ: { HTTP_HOST: 'example.com', CONTENT_LENGTH: '0', CONTENT_TYPE: '' } })).resolves.toBeDefined();
  });

  it('refuses what is not an app', () => {
    expect(() => validate(42 as never)).toThrow(TypeError);
  });
});
