import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  accessLog,
  cascade,
  closeBody,
  compress,
  HttpError,
  proxyHeaders,
  showErrors,
  stack,
  staticFiles,
  tapBody,
  TestClient,
  type App,
  type Middleware,
} from '../../src/index.js';
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

describe('tapBody', () => {
  it('reports chunks and the end, keeping sync bodies sync', () => {
    const events: string[] = [];
    const body = tapBody(['a', 'b'], { chunk: (c) => events.push(String(c)), end: (outcome) => events.push(outcome) });
    expect(typeof (body as Iterable<unknown>)[Symbol.iterator]).toBe('function');
    expect([...(body as Iterable<string>)]).toEqual(['a', 'b']);
    expect(events).toEqual(['a', 'b', 'complete']);
  });

  it('forwards return() to the inner iterator even before the first next()', async () => {
    let returned = false;
    const inner: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: 'x' }),
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const outcomes: string[] = [];
    const body = tapBody(inner, { end: (outcome) => outcomes.push(outcome) });
    await closeBody(body);
    expect(returned).toBe(true);
    expect(outcomes).toEqual(['closed']);
  });

  it('reports an error from the body once', async () => {
    const outcomes: string[] = [];
    const failing = (function* () {
      yield 'a';
      throw new Error('broken');
    })();
    const body = tapBody(failing, { end: (outcome) => outcomes.push(outcome) }) as Iterable<string>;
    const iterator = body[Symbol.iterator]();
    iterator.next();
    expect(() => iterator.next()).toThrow('broken');
    iterator.return?.();
    expect(outcomes).toEqual(['error']);
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
