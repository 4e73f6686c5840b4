/**
 * HTTP/2 on the reference server, through real clients: curl, Node's own
 * HTTP/2 client and h2load; HTTP/1.1 on the same port by ALPN.
 */
import { execFile } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../src/body/index.js';
import type { App } from '../../src/gateway/types.js';
import { makeServer } from '../../src/server/server.js';
import { http2Headers } from '../../src/server/http2/response-headers.js';
import { CERT, curl, h2connect, h2request, KEY, serveH2 } from './http2-support.js';
import { serve } from './helpers.js';

const ENVIRON_KEYS = ['SERVER_PROTOCOL', 'REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING', 'REQUEST_URI', 'HTTP_HOST', 'REMOTE_ADDR'];

/** Answers with the environ keys the tests look at, and the body it read, as JSON. */
const echo: App = async (environ, startResponse) => {
  const body = await readBody(environ);
  const picked: Record<string, unknown> = { scheme: environ['tsgi.url_scheme'], body: Buffer.from(body).toString('utf8') };
  for (const key of [...ENVIRON_KEYS, 'CONTENT_LENGTH', 'CONTENT_TYPE', 'HTTP_COOKIE', 'HTTP_X_TWICE', 'HTTP_TRANSFER_ENCODING']) {
    picked[key] = (environ as unknown as Record<string, unknown>)[key];
  }
  startResponse('200 OK', [
    ['Content-Type', 'application/json'],
    ['Set-Cookie', 'a=1'],
    ['Set-Cookie', 'b=2'],
  ]);
  return [JSON.stringify(picked)];
};

describe('HTTP/2: the environ', () => {
  it('curl --http2 reaches the app with SERVER_PROTOCOL HTTP/2.0, :authority as HTTP_HOST, https, the path decoded and the query raw', async () => {
    const { url, port } = await serveH2(echo);
    const { stdout, version } = await curl(['--http2', '-i', `${url}caf%C3%A9/x?q=a%20b&r=1`]);
    expect(version).toBe('2');
    const [head, body] = stdout.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/2 200/);
    // Repeated fields stay one per value.
    expect(head).toContain('set-cookie: a=1\r\nset-cookie: b=2');
    expect(head).toMatch(/\r\ncontent-length: \d+/);
    expect(head).toMatch(/\r\ndate: /);
    expect(JSON.parse(body!)).toMatchObject({
      SERVER_PROTOCOL: 'HTTP/2.0',
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: '/café/x',
      QUERY_STRING: 'q=a%20b&r=1',
      REQUEST_URI: '/caf%C3%A9/x?q=a%20b&r=1',
      HTTP_HOST: `127.0.0.1:${port}`,
      REMOTE_ADDR: '127.0.0.1',
      scheme: 'https',
    });
  });

  it('reads a POST body with its Content-Length, and folds repeated fields as over HTTP/1.1 (Cookie with "; ")', async () => {
    const { url } = await serveH2(echo);
    const session = await h2connect(url);
    const answer = await h2request(
      session,
      { ':method': 'POST', ':path': '/form', 'content-type': 'text/plain', 'content-length': '11', cookie: ['a=1', 'b=2'], 'x-twice': ['1', '2'] },
      'hello world',
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toMatchObject({
      REQUEST_METHOD: 'POST',
      CONTENT_LENGTH: '11',
      CONTENT_TYPE: 'text/plain',
      HTTP_COOKIE: 'a=1; b=2',
      HTTP_X_TWICE: '1, 2',
      body: 'hello world',
    });
  });

  it('gives a body sent without Content-Length to the app as the same body over HTTP/1.1 would be: chunked', async () => {
    const { url } = await serveH2(echo);
    const session = await h2connect(url);
    const answer = await h2request(session, { ':method': 'PUT', ':path': '/up' }, Buffer.alloc(100_000, 'x'));
    const seen = JSON.parse(answer.body.toString()) as Record<string, string | undefined>;
    expect(seen.HTTP_TRANSFER_ENCODING).toBe('chunked');
    expect(seen.CONTENT_LENGTH).toBeUndefined();
    expect(seen.body).toBe('x'.repeat(100_000));
  });

  it('mounts under scriptName as HTTP/1.1 does: SCRIPT_NAME the prefix, other paths 404 without the app', async () => {
    const { url } = await serveH2(echo, { scriptName: '/app' });
    const inside = await curl(['--http2', `${url}app/page`]);
    expect(JSON.parse(inside.stdout)).toMatchObject({ SCRIPT_NAME: '/app', PATH_INFO: '/page' });
    const outside = await curl(['--http2', '-i', `${url}other`]);
    expect(outside.stdout).toMatch(/^HTTP\/2 404/);
    expect(outside.stdout).toMatch(/\r\n\r\nNot Found\n$/);
  });
});

describe('HTTP/2: responses', () => {
  it('answers HEAD with the head only and does not pull the body', async () => {
    let pulled = 0;
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']]);
      return {
        *[Symbol.iterator]() {
          pulled++;
          yield 'hello';
        },
      };
    };
    const { url } = await serveH2(app);
    const session = await h2connect(url);
    const answer = await h2request(session, { ':method': 'HEAD', ':path': '/' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-length']).toBe('5');
    expect(answer.body.length).toBe(0);
    expect(pulled).toBe(0);
  });

  it('streams an async body chunk by chunk, without Content-Length', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        for (let i = 0; i < 5; i++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          yield `part ${i}\n`;
        }
      })();
    };
    const { url } = await serveH2(app);
    const { stdout, version } = await curl(['--http2', '-i', url]);
    expect(version).toBe('2');
    expect(stdout).not.toMatch(/content-length/i);
    expect(stdout).toMatch(/\r\n\r\npart 0\npart 1\npart 2\npart 3\npart 4\n$/);
  });

  it('refuses a connection-specific header from the app as every host does: 500, and the log names the header', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Connection', 'close']]);
      return ['never'];
    };
    const { url, errors } = await serveH2(app);
    const answer = await curl(['--http2', '-i', url]);
    expect(answer.stdout).toMatch(/^HTTP\/2 500/);
    expect(errors.text).toContain('hop-by-hop header Connection is set by the server');
  });

  it('turns a head into HTTP/2 fields, dropping connection-specific ones and TE other than trailers, one log call per name', () => {
    const dropped: string[] = [];
    const fields = http2Headers(
      201,
      [
        ['Content-Type', 'text/plain'],
        ['Connection', 'close'],
        ['Keep-Alive', 'timeout=5'],
        ['Proxy-Connection', 'keep-alive'],
        ['Transfer-Encoding', 'chunked'],
        ['Upgrade', 'websocket'],
        ['TE', 'gzip'],
        ['te', 'trailers'],
        ['Vary', 'a'],
        ['Vary', 'b'],
      ],
      7,
      (name) => dropped.push(name),
    );
    expect(fields).toEqual({ ':status': 201, 'content-type': 'text/plain', te: 'trailers', vary: ['a', 'b'], 'content-length': '7' });
    expect(dropped).toEqual(['Connection', 'Keep-Alive', 'Proxy-Connection', 'Transfer-Encoding', 'Upgrade', 'TE']);
  });

  it('turns an app failure before output into the same 500 with a reference as HTTP/1.1', async () => {
    const app: App = () => {
      throw new Error('boom');
    };
    const { url, errors } = await serveH2(app);
    const answer = await curl(['--http2', '-i', `${url}fail`]);
    expect(answer.stdout).toMatch(/^HTTP\/2 500/);
    const reference = /reference ([0-9a-f]+)/.exec(answer.stdout)?.[1];
    expect(reference).toBeDefined();
    expect(errors.text).toContain(`GET /fail [reference ${reference}]: Error: boom`);
  });
});

describe('HTTP/2: what the server refuses before the app', () => {
  const never: App = () => {
    throw new Error('the app must not run');
  };

  it.each([
    [['-X', 'TRACE'], 501, 'Not Implemented: TRACE is not supported by this server\n'],
    [['-H', 'Host: evil.example'], 400, 'Bad Request: host "evil.example" is not allowed\n'],
    [['-H', 'Expect: tea'], 417, 'Expectation Failed: "tea" is not an expectation this server meets (only 100-continue)\n'],
  ])('curl %j gets %i with a body saying why', async (args, status, text) => {
    const { url } = await serveH2(never);
    const answer = await curl(['--http2', '-i', ...args, url]);
    expect(answer.version).toBe('2');
    expect(answer.stdout.startsWith(`HTTP/2 ${status}`)).toBe(true);
    expect(answer.stdout.endsWith(`\r\n\r\n${text}`)).toBe(true);
  });

  it('refuses malformed percent-encoding, a Host that differs from :authority, and OPTIONS * is the server\'s 204', async () => {
    const { url, port } = await serveH2(never);
    const session = await h2connect(url);
    const encoded = await h2request(session, { ':path': '/%zz' });
    expect([encoded.status, encoded.body.toString()]).toEqual([400, 'Bad Request: malformed percent-encoding in the path\n']);
    const differing = await h2request(session, { ':path': '/', ':authority': `127.0.0.1:${port}`, host: 'localhost' });
    expect([differing.status, differing.body.toString()]).toEqual([400, 'Bad Request: Host differs from :authority\n']);
    const star = await h2request(session, { ':method': 'OPTIONS', ':path': '*', ':authority': `127.0.0.1:${port}` });
    expect(star.status).toBe(204);
  });
});

describe('HTTP/2 beside HTTP/1.1 on one port', () => {
  it('serves HTTP/1.1 clients by ALPN: curl --http1.1 and node:https get HTTP/1.1 with keep-alive, as on a plain HTTPS server', async () => {
    const { url } = await serveH2(echo);
    const viaCurl = await curl(['--http1.1', '-i', `${url}one`]);
    expect(viaCurl.version).toBe('1.1');
    expect(viaCurl.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(viaCurl.stdout).toContain('Connection: keep-alive');
    expect(JSON.parse(viaCurl.stdout.split('\r\n\r\n')[1]!)).toMatchObject({ SERVER_PROTOCOL: 'HTTP/1.1', PATH_INFO: '/one', scheme: 'https' });
    const viaNode = await new Promise<string>((resolve, reject) => {
      httpsRequest(`${url}two`, { ca: CERT, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (data: string) => (text += data));
        res.on('end', () => resolve(`${res.httpVersion} ${text}`));
      })
        .on('error', reject)
        .end();
    });
    expect(viaNode).toMatch(/^1\.1 \{/);
    expect(viaNode).toContain('"SERVER_PROTOCOL":"HTTP/1.1"');
  });

  it('with allowHTTP1: false refuses HTTP/1.1 in the TLS handshake, and a client without ALPN gets 505 saying why', async () => {
    const { url } = await serveH2(echo, { allowHTTP1: false });
    // curl exits 35 (SSL connect error) on the no_application_protocol alert.
    await expect(curl(['--http1.1', url])).rejects.toMatchObject({ code: 35 });
    const answer = await curl(['--http1.1', '--no-alpn', '-i', url]);
    expect(answer.stdout).toMatch(/^HTTP\/1\.1 505 HTTP Version Not Supported\r\n/);
    expect(answer.stdout).toContain('this server speaks only HTTP/2 (h2 in ALPN)');
    expect((await curl(['--http2', url])).version).toBe('2');
  });

  it('refuses http2 without tls at construction, naming the fix', () => {
    expect(() => makeServer('127.0.0.1', 0, echo, { http2: true, log: null })).toThrow(
      'http2 needs tls: { cert, key } (clients speak HTTP/2 only over TLS)',
    );
  });

  it('keeps an HTTPS server without http2 on HTTP/1.1 even for a client that prefers h2', async () => {
    const { url } = await serve(echo, { tls: { cert: CERT, key: KEY } });
    expect((await curl(['--http2', url])).version).toBe('1.1');
  });
});

describe('HTTP/2 under load and at shutdown', () => {
  const run = promisify(execFile);

  it('h2load: 2000 requests over 10 connections with 10 streams each all succeed', async () => {
    const hello: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
      return ['Hello world!\n'];
    };
    const { url } = await serveH2(hello);
    const { stdout } = await run('h2load', ['-n', '2000', '-c', '10', '-m', '10', url], { timeout: 60_000 });
    expect(stdout).toContain('Application protocol: h2');
    expect(stdout).toMatch(/requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout/);
    expect(stdout).toMatch(/status codes: 2000 2xx/);
  });

  it('allows 100 streams at once, and closes a connection idle for keepAliveTimeout with GOAWAY', async () => {
    const { url } = await serveH2(echo, { keepAliveTimeout: 200 });
    const session = await h2connect(url);
    await new Promise<void>((resolve) => (session.remoteSettings.maxConcurrentStreams === 100 ? resolve() : session.once('remoteSettings', () => resolve())));
    expect(session.remoteSettings.maxConcurrentStreams).toBe(100);
    expect((await h2request(session, { ':path': '/' })).status).toBe(200);
    const started = Date.now();
    const code = await new Promise<number>((resolve) => session.once('goaway', (errorCode: number) => resolve(errorCode)));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('keeps a connection whose stream outlasts keepAliveTimeout, and closes it once idle after that', async () => {
    const slow: App = async (_environ, startResponse) => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['late'];
    };
    const { url } = await serveH2(slow, { keepAliveTimeout: 200 });
    const session = await h2connect(url);
    let goaway = 0;
    session.on('goaway', () => goaway++);
    expect((await h2request(session, { ':path': '/' })).body.toString()).toBe('late');
    expect(goaway).toBe(0);
    const answered = Date.now();
    await new Promise<void>((resolve) => (goaway > 0 ? resolve() : session.once('goaway', () => resolve())));
    expect(Date.now() - answered).toBeLessThan(1_000);
  });

  it('close() lets a stream in flight finish, then the connection closes', async () => {
    let release: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: App = async (_environ, startResponse) => {
      release();
      await new Promise((resolve) => setTimeout(resolve, 200));
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['done'];
    };
    const { url, server } = await serveH2(slow);
    const session = await h2connect(url);
    const answer = h2request(session, { ':path': '/' });
    await started;
    const closed = server.close();
    expect((await answer).body.toString()).toBe('done');
    await closed;
    await new Promise<void>((resolve) => (session.closed ? resolve() : session.once('close', () => resolve())));
    expect(session.closed).toBe(true);
  });
});
