import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import { accessLog } from '../../src/middleware/access-log/index.js';
import { BaseHandler } from '../../src/handler/index.js';
import { basicAuth, staticCredentials } from '../../src/middleware/basic-auth/index.js';
import { cascade } from '../../src/middleware/cascade/index.js';
import { clfTimestamp } from '../../src/middleware/access-log/format.js';
import { compress } from '../../src/middleware/compress/index.js';
import { httpErrors, showErrors } from '../../src/middleware/errors/index.js';
import { proxyHeaders } from '../../src/middleware/proxy-headers/index.js';
import { sessions } from '../../src/middleware/session/index.js';
import { TestClient } from '../../src/testing/index.js';
import { toApp, type App, type Chunk } from '../../src/gateway/index.js';
import { urlMap } from '../../src/middleware/url-map/index.js';
import { serve, waitFor } from '../server/helpers.js';
import { curl } from './support.js';

const COMMON = /^(\S+) - (\S+) \[(\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000)\] "([^"\\]*(?:\\.[^"\\]*)*)" (\d{3}|-) (\d+|-) (\d+\.\d{3})( aborted| error)?$/;
const COMBINED = /^(\S+) - (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)" (\d+\.\d{3})( aborted| error)?$/;

function sink(): { lines: string[]; write(line: string): void } {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

const hello: App = (environ, startResponse) => {
  if (environ.PATH_INFO === '/missing') {
    startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
    return ['nope\n'];
  }
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return environ.REQUEST_METHOD === 'HEAD' ? [] : ['Hello world!\n'];
};

describe('accessLog', () => {
  it('writes a Common Log Format line with status, bytes and response time', async () => {
    const out = sink();
    const fixed = new Date(Date.UTC(2026, 10, 25, 9, 5, 7));
    const client = new TestClient(accessLog(hello, { stream: out, now: () => fixed }), { environ: { REMOTE_ADDR: '192.0.2.7' } });
    await client.get('/greet?x=1');
    await client.get('/missing');
    await client.head('/greet');
    expect(out.lines).toHaveLength(3);
    const first = COMMON.exec(out.lines[0]!.trimEnd())!;
    expect(first.slice(1, 7)).toEqual(['192.0.2.7', '-', '25/Nov/2026:09:05:07 +0000', 'GET /greet?x=1 HTTP/1.1', '200', '13']);
    expect(out.lines[0]!.endsWith('\n')).toBe(true);
    expect(COMMON.exec(out.lines[1]!.trimEnd())!.slice(5, 7)).toEqual(['404', '5']);
    expect(COMMON.exec(out.lines[2]!.trimEnd())!.slice(5, 7)).toEqual(['200', '-']);
  });

  it('writes Combined Log Format with escaped referer and user agent', async () => {
    const out = sink();
    const client = new TestClient(accessLog(hello, { format: 'combined', stream: out }));
    await client.get('/', { headers: { Referer: 'https://example.test/"quoted"', 'User-Agent': 'evil\tagent' } });
    const match = COMBINED.exec(out.lines[0]!.trimEnd())!;
    expect(match[7]).toBe('https://example.test/\\"quoted\\"');
    expect(match[8]).toBe('evil\\x09agent');
  });

  it('logs the user set by an inner basicAuth', async () => {
    const out = sink();
    const app = accessLog(basicAuth(hello, { realm: 'r', verify: staticCredentials({ ada: 'pw' }) }), { stream: out });
    await new TestClient(app).get('/', { headers: { Authorization: `Basic ${Buffer.from('ada:pw').toString('base64')}` } });
    await new TestClient(app).get('/');
    expect(COMMON.exec(out.lines[0]!.trimEnd())![2]).toBe('ada');
    expect(COMMON.exec(out.lines[1]!.trimEnd())![5]).toBe('401');
  });

  it('counts write() output and logs an app that threw as 500 error', async () => {
    const out = sink();
    const writer: App = async (_environ, startResponse) => {
      const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
      await write('12345');
      return ['678'];
    };
    await new TestClient(accessLog(writer, { stream: out })).get('/');
    expect(COMMON.exec(out.lines[0]!.trimEnd())![6]).toBe('8');

    const thrower: App = () => {
      throw new Error('boom');
    };
    await new TestClient(accessLog(thrower, { stream: out }), { catchErrors: true }).get('/');
    const line = COMMON.exec(out.lines[1]!.trimEnd())!;
    expect(line[5]).toBe('500');
    expect(line[8]).toBe(' error');
  });

  it('logs real requests from curl, and aborted ones', async () => {
    const out = sink();
    let closed = false;
    const app: App = (environ, startResponse) => {
      if (environ.PATH_INFO !== '/stream') return hello(environ, startResponse);
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* (): AsyncGenerator<Chunk> {
        try {
          for (let i = 0; i < 100_000; i++) yield 'x'.repeat(16 * 1024);
        } finally {
          closed = true;
        }
      })();
    };
    const { url, port } = await serve(accessLog(app, { format: 'combined', stream: out }));
    await curl(['-A', 'curl-test/1.0', '-e', 'http://ref.example/', `${url}hello`]);
    await waitFor(() => out.lines.length === 1, 'the first line');
    const line = COMBINED.exec(out.lines[0]!.trimEnd())!;
    expect(line[1]).toBe('127.0.0.1');
    expect(line.slice(4, 9)).toEqual(['GET /hello HTTP/1.1', '200', '13', 'http://ref.example/', 'curl-test/1.0']);

    await new Promise<void>((resolve) => {
      const request = get({ host: '127.0.0.1', port, path: '/stream' }, (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', () => undefined);
    });
    await waitFor(() => out.lines.length === 2 && closed, 'the aborted line');
    const aborted = COMBINED.exec(out.lines[1]!.trimEnd())!;
    expect(aborted[5]).toBe('200');
    expect(Number(aborted[6])).toBeGreaterThan(0);
    expect(aborted[10]).toBe(' aborted');
  });

  it('formats CLF timestamps in UTC', () => {
    expect(clfTimestamp(new Date(Date.UTC(2000, 9, 10, 13, 55, 36)))).toBe('10/Oct/2000:13:55:36 +0000');
  });
});

/** A class app: its body calls startResponse late and declares a Content-Length. */
class Greeting extends BaseHandler {
  doGET(): string | AsyncIterable<string> {
    if (this.pathInfo === '/big') return 'tsgi '.repeat(600);
    if (this.pathInfo !== '/slow') return 'Hello world!\n';
    return (async function* () {
      for (let i = 0; i < 10_000; i++) {
        yield 'x'.repeat(16 * 1024);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
  }
}

const notHere: App = (_environ, startResponse) => {
  startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
  return ['not here\n'];
};

const verify = staticCredentials({ ada: 'pw' });
const wrappers: Array<[string, (app: App) => App, string[]]> = [
  ['nothing', (app) => app, []],
  ['compress', (app) => compress(app), ['-H', 'Accept-Encoding: gzip']],
  ['sessions', (app) => sessions(app, { secrets: ['a-secret-of-at-least-thirty-two-chars!'] }), []],
  ['showErrors', (app) => showErrors(app), []],
  ['httpErrors', (app) => httpErrors(app), []],
  ['basicAuth', (app) => basicAuth(app, { realm: 'r', verify }), ['-u', 'ada:pw']],
  ['cascade', (app) => cascade([notHere, app]), []],
  ['urlMap', (app) => urlMap({ '/': app }), []],
  ['proxyHeaders', (app) => proxyHeaders(app, { trust: ['loopback'] }), ['-H', 'X-Forwarded-For: 198.51.100.23']],
];

describe('accessLog over a real socket, around a BaseHandler', () => {
  for (const [name, wrap, flags] of wrappers) {
    it(`logs a whole response as complete, with ${name} inside`, async () => {
      const out = sink();
      const { url } = await serve(accessLog(wrap(toApp(Greeting)), { stream: out }));
      for (const [path, expected] of [['hello', 13], ['big', 3000]] as const) {
        out.lines.length = 0;
        const result = await curl(['-o', '/dev/null', '-w', '%{http_code} %{size_download}', ...flags, `${url}${path}`]);
        const [status, received] = result.stdout.split(' ').map(Number);
        expect(status).toBe(200);
        if (name !== 'compress') expect(received).toBe(expected);
        await waitFor(() => out.lines.length === 1, 'the line');
        const line = COMMON.exec(out.lines[0]!.trimEnd())!;
        expect(line, out.lines[0]).not.toBeNull();
        expect(line.slice(5, 7)).toEqual(['200', String(received)]);
        expect(line[8]).toBeUndefined();
      }
    });
  }

  it('logs a client that leaves a slow stream mid-way as aborted', async () => {
    const out = sink();
    const { port } = await serve(accessLog(compress(toApp(Greeting)), { stream: out }));
    await new Promise<void>((resolve) => {
      const request = get({ host: '127.0.0.1', port, path: '/slow' }, (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', () => undefined);
    });
    await waitFor(() => out.lines.length === 1, 'the aborted line');
    const line = COMMON.exec(out.lines[0]!.trimEnd())!;
    expect(line[5]).toBe('200');
    expect(Number(line[6])).toBeGreaterThan(0);
    expect(line[8]).toBe(' aborted');
  });

  it('logs an empty REMOTE_ADDR as -', async () => {
    const out = sink();
    await new TestClient(accessLog(hello, { stream: out }), { environ: { REMOTE_ADDR: '' } }).get('/');
    expect(out.lines[0]).toMatch(/^- - - \[/);
  });
});
