import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryErrors } from '../../src/gateway/errors.js';
import type { App } from '../../src/gateway/types.js';
import { urlMap } from '../../src/middleware/url-map/index.js';
import { toFetchHandler } from '../../src/server/fetch-handler.js';
import { fromFetchHandler } from '../../src/server/from-fetch.js';
import { TestClient } from '../../src/testing/index.js';
import { serve as serveTsgi, waitFor } from './helpers.js';

const decoder = new TextDecoder();

const environApp: App = async (environ, startResponse) => {
  const body = decoder.decode(await environ['tsgi.input'].read());
  startResponse('200 OK', [['Content-Type', 'application/json'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']]);
  return [
    JSON.stringify({
      method: environ.REQUEST_METHOD, scriptName: environ.SCRIPT_NAME, pathInfo: environ.PATH_INFO, query: environ.QUERY_STRING,
      requestUri: environ.REQUEST_URI, scheme: environ['tsgi.url_scheme'], serverName: environ.SERVER_NAME,
      serverPort: environ.SERVER_PORT, host: environ.HTTP_HOST, cookie: environ.HTTP_COOKIE, type: environ.CONTENT_TYPE,
      remote: environ.REMOTE_ADDR, body,
    }),
  ];
};

/** A gate the test opens to let a body go on. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('toFetchHandler with Node\'s Request and Response', () => {
  it('builds the environ from the Request, reads its body, and keeps repeated headers', async () => {
    const handler = toFetchHandler(environApp, { scriptName: '/app', remoteAddress: () => '10.0.0.7' });
    const response = await handler(
      new Request('https://example.test:8443/app/caf%C3%A9?x=1', {
        method: 'POST', body: 'hello', headers: { 'Content-Type': 'text/plain', Cookie: 'c=3; d=4' },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({
      method: 'POST', scriptName: '/app', pathInfo: '/café', query: 'x=1', requestUri: '/app/caf%C3%A9?x=1', scheme: 'https',
      serverName: 'example.test', serverPort: '8443', host: 'example.test:8443', cookie: 'c=3; d=4', type: 'text/plain',
      remote: '10.0.0.7', body: 'hello',
    });
  });

  it('answers 404 outside the prefix and 400 for a malformed path', async () => {
    const handler = toFetchHandler(environApp, { scriptName: '/app' });
    expect((await handler(new Request('http://x/other'))).status).toBe(404);
    const bad = await handler(new Request('http://x/app/%zz'));
    expect([bad.status, await bad.text()]).toEqual([400, 'Bad Request: malformed percent-encoding in the path\n']);
  });

  it('streams the response: the first chunk arrives before the app has finished', async () => {
    const { wait, open } = gate();
    let finished = false;
    const handler = toFetchHandler((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield 'first ';
        await wait;
        yield 'second';
        finished = true;
      })();
    });
    const response = await handler(new Request('http://x/'));
    const reader = response.body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe('first ');
    expect(finished).toBe(false);
    open();
    expect(decoder.decode((await reader.read()).value)).toBe('second');
    expect((await reader.read()).done).toBe(true);
    expect(finished).toBe(true);
  });

  it('calls return() when the response stream is cancelled, and when it ends', async () => {
    let returned = 0;
    let pulled = 0;
    const handler = toFetchHandler((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        try {
          for (let i = 0; i < 1_000_000; i++) {
            pulled++;
            yield `line ${i}\n`;
          }
        } finally {
          returned++;
        }
      })();
    });
    const response = await handler(new Request('http://x/'));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    await waitFor(() => returned === 1, 'return() after cancel');
    // Pulled only as read: a sync body is gathered up to 64 KiB for a
    // Content-Length (on every host alike), never the million lines.
    expect(pulled).toBeLessThan(10_000);
    const whole = await handler(new Request('http://x/'));
    expect(whole.status).toBe(200);
  });

  it('reads the request body only as the app reads it (backpressure)', async () => {
    let pulls = 0;
    const encoder = new TextEncoder();
    const upload = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          if (pulls > 100) controller.close();
          else controller.enqueue(encoder.encode(`line ${pulls}\n`));
        },
      },
      { highWaterMark: 0 },
    );
    const handler = toFetchHandler(async (environ, startResponse) => {
      const line = decoder.decode(await environ['tsgi.input'].readline());
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [line];
    });
    const response = await handler(new Request('http://x/', { method: 'POST', body: upload, duplex: 'half' } as RequestInit));
    expect(await response.text()).toBe('line 1\n');
    expect(pulls).toBeLessThan(4);
  });

  it('turns failures into a logged 500 before output, and a broken stream after it', async () => {
    const errors = new MemoryErrors();
    const throwing = toFetchHandler(() => {
      throw new Error('app failed');
    }, { errors });
    const failed = await throwing(new Request('http://x/a'));
    expect([failed.status, await failed.text()]).toEqual([500, expect.stringMatching(/^Internal Server Error \(reference [0-9a-f]{8}\)\n$/)]);
    expect(errors.text).toContain('app failed');

    let closed = false;
    const midway = toFetchHandler((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        try {
          yield 'partial';
          throw new Error('body failed');
        } finally {
          closed = true;
        }
      })();
    }, { errors });
    const broken = await midway(new Request('http://x/b'));
    expect(broken.status).toBe(200);
    await expect(broken.text()).rejects.toThrow();
    expect(errors.text).toContain('body failed');
    expect(closed).toBe(true);

    const noStart = await toFetchHandler(() => ['x'], { errors })(new Request('http://x/c'));
    expect(noStart.status).toBe(500);
    expect(errors.text).toContain('[start-response-first]');
  });

  it('sends what the legacy write() wrote before the body, and refuses write() after the end', async () => {
    let write!: (chunk: string) => Promise<void>;
    const handler = toFetchHandler((_environ, startResponse) => {
      write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
      void write('written, ');
      return ['returned'];
    });
    const response = await handler(new Request('http://x/'));
    expect(await response.text()).toBe('written, returned');
    await expect(write('late')).rejects.toThrow(/\[write-after-close\]/);
  });

  it('sends no body for HEAD and 204, closing the app body, and holds to Content-Length', async () => {
    let closed = 0;
    const app: App = (environ, startResponse) => {
      const status = environ.PATH_INFO === '/none' ? '204 No Content' : '200 OK';
      startResponse(status, [['Content-Length', status === '200 OK' ? '5' : '0']]);
      // return() counted directly: a generator never started would skip
      // its finally, and a head-only response is not iterated at all.
      const chunks = ['hello, and more'][Symbol.iterator]();
      return {
        [Symbol.iterator]: () => ({
          next: () => chunks.next(),
          return: () => {
            closed++;
            return { done: true as const, value: undefined };
          },
        }),
      };
    };
    const errors = new MemoryErrors();
    const handler = toFetchHandler(app, { errors });
    const head = await handler(new Request('http://x/', { method: 'HEAD' }));
    expect([head.status, head.body, head.headers.get('content-length')]).toEqual([200, null, '5']);
    const empty = await handler(new Request('http://x/none'));
    expect([empty.status, empty.body]).toEqual([204, null]);
    const cut = await handler(new Request('http://x/'));
    expect(await cut.text()).toBe('hello');
    expect(errors.text).toContain('longer than its Content-Length');
    await waitFor(() => closed === 3, 'every body closed');
  });
});

describe('toFetchHandler behind @hono/node-server', () => {
  let server: ServerType | undefined;
  afterEach(async () => {
    server?.close();
    server = undefined;
  });

  it('serves over a real socket, streaming an upload back as it arrives', async () => {
    const upper: App = async (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      const input = environ['tsgi.input'];
      return (async function* () {
        for await (const chunk of input) yield decoder.decode(chunk).toUpperCase();
      })();
    };
    const handler = toFetchHandler(upper);
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    });
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'shout this' });
    expect([response.status, await response.text()]).toEqual([200, 'SHOUT THIS']);
    // The runtime's second argument reaches remoteAddress: here the Node request.
    const where = toFetchHandler(environApp, {
      remoteAddress: (_request, bindings) => (bindings as { incoming: { socket: { remoteAddress?: string } } }).incoming.socket.remoteAddress,
    });
    server!.close();
    const second = await new Promise<number>((resolve) => {
      server = serve({ fetch: where, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    });
    const seen = (await (await fetch(`http://127.0.0.1:${second}/who`)).json()) as { remote: string; pathInfo: string };
    expect(seen).toMatchObject({ remote: '127.0.0.1', pathInfo: '/who' });
  });
});

describe('fromFetchHandler', () => {
  const fetchStyle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const text = request.body === null ? '' : await request.text();
    const headers = new Headers({ 'Content-Type': 'text/plain', 'X-Path': url.pathname });
    headers.append('Set-Cookie', 'a=1');
    headers.append('Set-Cookie', 'b=2');
    return new Response(`${request.method} ${url.pathname}${url.search} ${text}`, { status: 202, headers });
  };

  it('serves a Fetch handler as an app, under urlMap, body and cookies included', async () => {
    const client = new TestClient(urlMap({ '/fetch': fromFetchHandler(fetchStyle) }), { cookies: false });
    const response = await client.post('/fetch/a?x=1', { body: 'payload', headers: { 'Content-Type': 'text/plain' } });
    expect(response.status).toBe(202);
    expect(response.statusText).toBe('Accepted');
    expect(response.text()).toBe('POST /fetch/a?x=1 payload');
    expect(response.headers.getAll('Set-Cookie')).toEqual(['a=1', 'b=2']);
  });

  it('cancels the Response body when the client goes away', async () => {
    let cancelled = false;
    const endless = fromFetchHandler(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async pull(controller) {
              await new Promise((resolve) => setTimeout(resolve, 5));
              controller.enqueue(new TextEncoder().encode('more\n'));
            },
            cancel() {
              cancelled = true;
            },
          }),
        ),
    );
    const { url } = await serveTsgi(endless);
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toContain('more');
    controller.abort();
    await waitFor(() => cancelled, 'the stream to be cancelled');
  });

  it('round-trips through toFetchHandler and a real tsgi server', async () => {
    const app = fromFetchHandler(toFetchHandler(environApp));
    const { url } = await serveTsgi(app);
    const response = await fetch(`${url}p?q=2`, { method: 'PUT', body: 'data' });
    expect(await response.json()).toMatchObject({ method: 'PUT', pathInfo: '/p', query: 'q=2', body: 'data' });
  });
});
