import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessLog } from '../../src/middleware/access-log/index.js';
import { cascade } from '../../src/middleware/cascade/index.js';
import { closeBody, HttpError, proxyBody, type App, type BodyOutcome, type Chunk } from '../../src/gateway/index.js';
import { compress } from '../../src/middleware/compress/index.js';
import { proxyHeaders } from '../../src/middleware/proxy-headers/index.js';
import { showErrors } from '../../src/middleware/errors/index.js';
import { stack, type Middleware } from '../../src/middleware/stack/index.js';
import { staticFiles } from '../../src/middleware/static-files/index.js';
import { TestClient } from '../../src/testing/index.js';
import { serve } from '../server/helpers.js';
import { curl, parseCurl } from './support.js';

const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['hello'];
};

/** Records the order in which layers see the request. */
function layer(name: string, seen: string[]): Middleware {
  return (app) => (environ, startResponse) => {
    seen.push(name);
    return app(environ, (status, headers, excInfo) => startResponse(status, [...headers, ['X-Layer', name]], excInfo));
  };
}

describe('stack', () => {
  it('makes the first listed middleware the innermost', async () => {
    const seen: string[] = [];
    const app = stack(hello, layer('inner', seen), layer('middle', seen), layer('outer', seen));
    const response = await new TestClient(app).get('/');
    expect(seen).toEqual(['outer', 'middle', 'inner']);
    expect(response.headers.getAll('X-Layer')).toEqual(['inner', 'middle', 'outer']);
  });

  it('returns the app itself with no middleware', async () => {
    expect(stack(hello)).toBe(hello);
  });
});

/** An async body of `chunks` that records its return() calls. */
function closable(chunks: Chunk[]): { body: AsyncIterable<Chunk>; returns: () => number } {
  let returns = 0;
  const body: AsyncIterable<Chunk> = {
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return {
        next: async () => (i < chunks.length ? { done: false, value: chunks[i++]! } : { done: true, value: undefined }),
        return: async () => {
          returns++;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { body, returns: () => returns };
}

async function drain(body: unknown): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const chunk of body as AsyncIterable<unknown>) out.push(chunk);
  return out;
}

describe('proxyBody, the body helper middleware is built on', () => {
  it('reports chunks and the end, keeping sync bodies sync', () => {
    const events: string[] = [];
    const body = proxyBody(['a', 'b'], {
      chunk: (c) => {
        events.push(String(c));
        return c;
      },
      end: (outcome) => void events.push(outcome),
    });
    expect(typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator]).toBe('undefined');
    expect([...(body as Iterable<string>)]).toEqual(['a', 'b']);
    expect(events).toEqual(['a', 'b', 'complete']);
  });

  it('forwards return() to the inner iterator even before the first next(), once', async () => {
    const { body, returns } = closable(['x']);
    const outcomes: BodyOutcome[] = [];
    const proxied = proxyBody(body, { end: (outcome) => void outcomes.push(outcome) });
    await closeBody(proxied);
    await closeBody(proxied);
    expect(returns()).toBe(1);
    expect(outcomes).toEqual(['gone']);
  });

  it('counts a return() after the limit as complete, and one before it as gone', async () => {
    for (const [limit, expected] of [[2, 'complete'], [3, 'gone']] as const) {
      const { body } = closable(['ab', 'c']);
      const outcomes: BodyOutcome[] = [];
      const iterator = (proxyBody(body, { limit: () => limit, end: (o) => void outcomes.push(o) }) as AsyncIterable<Chunk>)[Symbol.asyncIterator]();
      await iterator.next();
      await iterator.return!();
      expect(outcomes).toEqual([expected]);
    }
  });

  it('reports an error from the body once', async () => {
    const outcomes: string[] = [];
    const failing = (function* () {
      yield 'a';
      throw new Error('broken');
    })();
    const body = proxyBody(failing, { end: (outcome) => void outcomes.push(outcome) }) as Iterable<string>;
    const iterator = body[Symbol.iterator]();
    iterator.next();
    expect(() => iterator.next()).toThrow('broken');
    iterator.return?.();
    expect(outcomes).toEqual(['error']);
  });

  it('closes the body and reports an error when a hook fails', async () => {
    const { body, returns } = closable(['a', 'b']);
    const outcomes: BodyOutcome[] = [];
    const proxied = proxyBody(body, {
      chunk: async () => {
        throw new Error('encoder broke');
      },
      end: (outcome) => void outcomes.push(outcome),
    });
    await expect(drain(proxied)).rejects.toThrow('encoder broke');
    expect(returns()).toBe(1);
    expect(outcomes).toEqual(['error']);
  });

  it('sends what fail gives instead of the error, and rethrows without it', async () => {
    const failing = async function* (): AsyncGenerator<Chunk> {
      throw new Error('late');
    };
    expect(await drain(proxyBody(failing(), { fail: () => ['sorry'] }))).toEqual(['sorry']);
    await expect(drain(proxyBody(failing(), { fail: () => undefined }))).rejects.toThrow('late');
  });

  it('yields a prefix first, and waits for an async end before it reports its own', async () => {
    const { body } = closable(['b']);
    let saved = false;
    const proxied = proxyBody(body, {
      end: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        saved = true;
      },
    }, { prefix: ['a'] });
    const iterator = (proxied as AsyncIterable<Chunk>)[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 'a' });
    await iterator.return!();
    expect(saved).toBe(true);
  });

  it('passes a chunk that is not one on, for the host to refuse', () => {
    const body = proxyBody([null as unknown as Chunk, 'ok'], { limit: () => 2 });
    expect([...(body as Iterable<unknown>)]).toEqual([null, 'ok']);
    // Also when a chunk hook hands it back: one chunk, not a list to spread.
    const odd = {} as Chunk;
    const hooked = proxyBody([odd], { chunk: (chunk) => chunk });
    expect([...(hooked as Iterable<unknown>)]).toEqual([odd]);
  });

  it('takes one inner iterator however often it is asked for its own', () => {
    let taken = 0;
    const inner: Iterable<Chunk> = {
      [Symbol.iterator]: () => {
        taken++;
        return ['a'][Symbol.iterator]();
      },
    };
    const body = proxyBody(inner, {}) as Iterable<Chunk>;
    body[Symbol.iterator]();
    expect([...body]).toEqual(['a']);
    expect(taken).toBe(1);
  });
});

describe('a whole stack over a real server', () => {
  it('serves files and app pages, compressed, logged with the forwarded client, errors as pages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsgi-stack-'));
    try {
      const css = 'main { margin: 0 auto; }\n'.repeat(100);
      writeFileSync(join(dir, 'site.css'), css);
      const page: App = (environ, startResponse) => {
        if (environ.PATH_INFO === '/boom') throw new Error('kaput');
        if (environ.PATH_INFO !== '/') throw new HttpError(404, `no page at ${environ.PATH_INFO}`);
        startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
        return [`<p>${'hello '.repeat(300)}</p>`];
      };
      const lines: string[] = [];
      const site = stack(
        cascade([staticFiles(dir), page]),
        (app) => showErrors(app),
        compress,
        (app) => accessLog(app, { stream: { write: (line: string) => void lines.push(line) } }),
        (app) => proxyHeaders(app, { trust: ['loopback'] }),
      );
      const { url, errors } = await serve(site);
      const forwarded = ['-H', 'X-Forwarded-For: 198.51.100.23'];

      const file = parseCurl((await curl(['-i', '--compressed', ...forwarded, `${url}site.css`])).stdout);
      expect(file.headers['content-encoding']).toBe('br');
      expect(file.body).toBe(css);

      const home = parseCurl((await curl(['-i', '--compressed', '-H', 'Accept-Encoding: gzip', `${url}`])).stdout);
      expect(home.headers['content-encoding']).toBe('gzip');
      expect(home.body).toContain('hello hello');

      const missing = parseCurl((await curl(['-i', '-H', 'Accept: application/json', `${url}nope`])).stdout);
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.body)).toMatchObject({ status: 404, detail: 'no page at /nope' });

      const crash = parseCurl((await curl(['-i', `${url}boom`])).stdout);
      expect(crash.status).toBe(500);
      expect(crash.body).not.toContain('kaput');
      expect(errors.text).toContain('kaput');

      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatch(/^198\.51\.100\.23 - - \[[^\]]+\] "GET \/site\.css HTTP\/1\.1" 200 \d+ \d+\.\d{3}\n$/);
      expect(lines[2]).toMatch(/^127\.0\.0\.1 .* "GET \/nope HTTP\/1\.1" 404 /);
      expect(lines[3]).toMatch(/"GET \/boom HTTP\/1\.1" 500 /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('names through the stack', () => {
  it('lets a host name a wrapped app after the app itself', async () => {
    const { appName } = await import('../../src/gateway/app.js');
    const { accessLog } = await import('../../src/middleware/access-log/index.js');
    const { basicAuth } = await import('../../src/middleware/basic-auth/index.js');
    const { compress } = await import('../../src/middleware/compress/index.js');
    const { httpErrors, showErrors } = await import('../../src/middleware/errors/index.js');
    const { proxyHeaders } = await import('../../src/middleware/proxy-headers/index.js');
    const { sessions, MemoryStore } = await import('../../src/middleware/session/index.js');
    class GuessHandler {
      [Symbol.iterator](): Iterator<string> {
        return [][Symbol.iterator]();
      }
    }
    const site = accessLog(
      showErrors(
        httpErrors(
          compress(
            proxyHeaders(sessions(basicAuth(GuessHandler, { realm: 'r', verify: () => true }), { secrets: ['s'.repeat(32)], store: new MemoryStore() }), {
              trust: ['127.0.0.1'],
            }),
          ),
        ),
      ),
      { stream: { write: () => true } },
    );
    expect(appName(site)).toBe('GuessHandler');
  });
});
