import { request, Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { App, Chunk, Environ, StartResponse } from '../../src/gateway/types.js';
import { collect, count, openSocket, parseResponse, rawRequest, serve } from './helpers.js';

const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return ['Hello ', 'world!\n'];
};

describe('response framing', () => {
  it('sets Content-Length for an array body, and Date', async () => {
    const { url } = await serve(hello);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('13');
    expect(response.headers.get('transfer-encoding')).toBeNull();
    expect(response.headers.get('date')).toMatch(/GMT$/);
    expect(await response.text()).toBe('Hello world!\n');
  });

  it('counts UTF-8 bytes and byte arrays in Content-Length', async () => {
    const { url } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
      return ['é', new Uint8Array([0x21])];
    });
    const response = await fetch(url);
    expect(response.headers.get('content-length')).toBe('3');
    expect(await response.text()).toBe('é!');
  });

  it('uses chunked encoding for an async body without a length', async () => {
    const { port } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield 'one ';
        yield 'two';
      })();
    });
    const { bytes } = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const response = parseResponse(bytes);
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.headers.date).toBeDefined();
    expect(response.body.toString()).toBe('one two');
  });

  it('closes the connection to delimit an unsized body for an HTTP/1.0 client', async () => {
    const { port } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield 'one ';
        yield 'two';
      })();
    });
    const { text } = await rawRequest(port, 'GET / HTTP/1.0\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).not.toMatch(/transfer-encoding/i);
    expect(text.endsWith('\r\n\r\none two')).toBe(true);
  });

  it('gathers a short sync generator body and sets its Content-Length', async () => {
    const { url } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        yield 'a';
        yield '';
        yield 'bc';
      })();
    });
    const response = await fetch(url);
    expect(response.headers.get('content-length')).toBe('3');
    expect(await response.text()).toBe('abc');
  });

  it('streams a long sync generator body chunked', async () => {
    const piece = 'x'.repeat(16 * 1024);
    const { url } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        for (let i = 0; i < 10; i++) yield piece;
      })();
    });
    const response = await fetch(url);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect((await response.text()).length).toBe(10 * piece.length);
  });

  it('keeps the Content-Length an app sets, and stops iterating once it is reached', async () => {
    let pulled = 0;
    let closed = false;
    const { url, errors } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain'], ['content-length', '5']]);
      return (async function* () {
        try {
          pulled++;
          yield 'hello';
          pulled++;
          yield 'never sent';
        } finally {
          closed = true;
        }
      })();
    });
    const response = await fetch(url);
    expect(response.headers.get('content-length')).toBe('5');
    expect(await response.text()).toBe('hello');
    expect(pulled).toBe(1);
    expect(closed).toBe(true);
    expect(errors.text).toBe('');
  });

  it('truncates a body longer than its Content-Length and logs it', async () => {
    const { port, errors } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '4']]);
      return ['ab', 'cdef'];
    });
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const { text } = await received;
    // The excess bytes would otherwise corrupt the second response.
    expect(count(text, 'HTTP/1.1 200 OK')).toBe(2);
    expect(count(text, '\r\n\r\nabcd')).toBe(2);
    expect(text).not.toContain('ef');
    expect(errors.text).toContain('longer than its Content-Length');
  });

  it('cuts the connection when the body is shorter than its Content-Length', async () => {
    const { port, errors } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '10']]);
      return (async function* () {
        yield 'abc';
      })();
    });
    const { text } = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text.endsWith('\r\n\r\nabc')).toBe(true);
    expect(errors.text).toContain('short of its Content-Length');
  });

  it('sends headers and no body for HEAD, without iterating the body', async () => {
    let pulled = false;
    let closed = false;
    const app: App = (_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        try {
          pulled = true;
          yield 'body';
        } finally {
          closed = true;
        }
      })();
    };
    const { port } = await serve(app);
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write('HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const { text } = await received;
    const [head, get] = text.split(/(?=HTTP\/1\.1 200)/);
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/\r\nDate: /);
    expect(head!.endsWith('\r\n\r\n')).toBe(true);
    expect(get!.endsWith('body')).toBe(true);
    // The GET pulled; the HEAD did not (its generator was never started, so
    // return() had nothing to run).
    expect(pulled).toBe(true);
    expect(closed).toBe(true);
  });

  it('sends no computed Content-Length for HEAD, only the app\'s own', async () => {
    const { url } = await serve((environ, start) => {
      const headers: Array<[string, string]> = [['Content-Type', 'text/plain']];
      if (environ.PATH_INFO === '/declared') headers.push(['Content-Length', '13']);
      start('200 OK', headers);
      // HEAD bodies are empty by rule; the server must not announce that as the length.
      return [];
    });
    const computed = await fetch(url, { method: 'HEAD' });
    expect(computed.headers.get('content-length')).toBeNull();
    expect(await computed.text()).toBe('');
    const declared = await fetch(`${url}declared`, { method: 'HEAD' });
    expect(declared.headers.get('content-length')).toBe('13');
    expect(await declared.text()).toBe('');
  });

  it('pulls a HEAD body only until startResponse is called, then closes it', async () => {
    let pulled = 0;
    let closed = false;
    class Lazy implements AsyncIterable<Chunk> {
      constructor(
        private environ: Environ,
        private start: StartResponse,
      ) {}
      async *[Symbol.asyncIterator](): AsyncGenerator<Chunk> {
        try {
          this.start('200 OK', [['Content-Type', 'text/plain'], ['X-Method', this.environ.REQUEST_METHOD]]);
          pulled++;
          yield 'first';
          pulled++;
          yield 'second';
        } finally {
          closed = true;
        }
      }
    }
    const { port } = await serve(Lazy);
    const { text } = await rawRequest(port, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toContain('X-Method: HEAD');
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    expect(pulled).toBe(1);
    expect(closed).toBe(true);
  });

  it('sends no body for 204 and 304', async () => {
    const { port } = await serve((environ, start) => {
      start(environ.PATH_INFO === '/204' ? '204 No Content' : '304 Not Modified', [['ETag', '"x"']]);
      return ['ignored'];
    });
    for (const path of ['/204', '/304']) {
      const { text } = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(text).toMatch(new RegExp(`^HTTP/1\\.1 ${path.slice(1)} `));
      expect(text.endsWith('\r\n\r\n')).toBe(true);
      expect(text).not.toContain('ignored');
      expect(text).not.toMatch(/content-length/i);
    }
  });

  it('serves two requests on one keep-alive connection', async () => {
    const { port } = await serve(hello);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const get = (): Promise<{ body: string; reused: boolean }> =>
        new Promise((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => resolve({ body, reused: req.reusedSocket }));
          });
          req.on('error', reject);
          req.end();
        });
      const first = await get();
      const second = await get();
      expect(first).toEqual({ body: 'Hello world!\n', reused: false });
      expect(second).toEqual({ body: 'Hello world!\n', reused: true });
    } finally {
      agent.destroy();
    }
  });

  it('serves pipelined requests in order on one socket', async () => {
    const { port } = await serve(async (environ, start) => {
      // The first request finishes last, yet must be answered first.
      if (environ.PATH_INFO === '/slow') await new Promise((resolve) => setTimeout(resolve, 20));
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [environ.PATH_INFO];
    });
    const { text } = await rawRequest(port, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text.indexOf('/slow')).toBeLessThan(text.indexOf('/fast'));
    expect(count(text, 'HTTP/1.1 200 OK')).toBe(2);
  });

  it('sends write() output before the returned body, with headers at the first non-empty chunk', async () => {
    const { url } = await serve(async (_e, start) => {
      const write = start('200 OK', [['Content-Type', 'text/plain']]);
      await write('');
      await write('early ');
      return ['late'];
    });
    const response = await fetch(url);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(await response.text()).toBe('early late');
  });

  it('accepts an AppClass', async () => {
    class Hello implements AsyncIterable<Chunk> {
      constructor(
        private environ: Environ,
        private start: StartResponse,
      ) {}
      async *[Symbol.asyncIterator](): AsyncGenerator<Chunk> {
        this.start('200 OK', [['Content-Type', 'text/plain']]);
        yield `Hello from ${this.environ.PATH_INFO}`;
      }
    }
    const { url } = await serve(Hello);
    const response = await fetch(`${url}class`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('Hello from /class');
  });

  it('passes repeated response headers through, e.g. Set-Cookie', async () => {
    const { port } = await serve((_e, start) => {
      start('201 Created', [
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['Content-Type', 'text/plain'],
      ]);
      return [];
    });
    const { bytes } = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const response = parseResponse(bytes);
    expect(response.status).toBe(201);
    expect(response.rawHead).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
    expect(count(response.rawHead, 'Set-Cookie: ')).toBe(2);
    expect(response.headers['content-length']).toBe('0');
  });
});

describe('header values beyond ASCII', () => {
  it('go out as Latin-1 bytes whatever the body chunk, as a Fetch host and TestClient show them', async () => {
    const { port } = await serve((_environ, start) => {
      start('200 OK', [['Content-Type', 'text/plain; charset=utf-8'], ['X-Word', 'café']]);
      return ['déjà'];
    });
    const { bytes } = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const head = bytes.subarray(0, bytes.indexOf('\r\n\r\n'));
    expect(head.includes(Buffer.from('X-Word: caf\xe9', 'latin1'))).toBe(true);
    expect(bytes.subarray(bytes.indexOf('\r\n\r\n') + 4).toString('utf8')).toBe('déjà');
  });
});
