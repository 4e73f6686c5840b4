import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { eventStream, type App, type EventContext, type EventLike, type Environ } from '../../src/gateway/index.js';
import { BaseHandler } from '../../src/handler/index.js';
import { TestClient } from '../../src/testing/index.js';
import { validate } from '../../src/gateway/validator/index.js';
import { toFetchHandler } from '../../src/server/fetch.js';
import { openSocket, serve, waitFor } from '../server/helpers.js';
import { count, StreamReader } from './sse-support.js';

/** An app streaming what `produce` makes, with `options`. */
function sseApp(produce: (context: EventContext) => AsyncIterable<EventLike> | Iterable<EventLike>, options = {}): App {
  return (environ, startResponse) => {
    const stream = eventStream(environ, produce, options);
    startResponse('200 OK', stream.headers);
    return stream;
  };
}

/** Resolves when the signal aborts; never otherwise. */
const aborted = (signal: AbortSignal): Promise<void> => new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

describe('eventStream over a real server', () => {
  it('starts with the event-stream headers and an opening comment, then sends each event as it is made', async () => {
    const app = sseApp(async function* ({ signal }) {
      yield 'first';
      await sleep(50, undefined, { signal });
      yield { event: 'named', id: '2', data: 'two\nlines' };
    });
    const { url } = await serve(app);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('content-length')).toBeNull();
    const reader = new StreamReader(response);
    expect(await reader.end()).toBe(':\n\ndata: first\n\nevent: named\nid: 2\ndata: two\ndata: lines\n\n');
  });

  it('sends retry first when asked', async () => {
    const { url } = await serve(sseApp(() => ['x'], { retry: 2500 }));
    expect(await (await fetch(url)).text()).toBe('retry: 2500\n\ndata: x\n\n');
  });

  it('gives the producer the request\'s Last-Event-ID (undefined when absent or empty)', async () => {
    const seen: Array<string | undefined> = [];
    const { url } = await serve(sseApp(({ lastEventId }) => {
      seen.push(lastEventId);
      return [{ id: String(Number(lastEventId ?? 0) + 1), data: 'next' }];
    }));
    expect(await (await fetch(url, { headers: { 'Last-Event-ID': '41' } })).text()).toBe(':\n\nid: 42\ndata: next\n\n');
    await (await fetch(url)).text();
    await (await fetch(url, { headers: { 'Last-Event-ID': '' } })).text();
    expect(seen).toEqual(['41', undefined, undefined]);
  });

  it('sends a heartbeat comment each quiet period, and none while events come more often', async () => {
    const quiet = await serve(sseApp(async function* ({ signal }) {
      await aborted(signal);
      yield 'never';
    }, { heartbeat: 150 }));
    const controller = new AbortController();
    const started = Date.now();
    const reader = new StreamReader(await fetch(quiet.url, { signal: controller.signal }));
    await reader.until((text) => count(text, ':\n\n') >= 4, 'three heartbeats after the opening comment');
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 150 - 20);
    expect(reader.text).toBe(':\n\n'.repeat(count(reader.text, ':\n\n')));
    controller.abort();

    const busy = await serve(sseApp(async function* ({ signal }) {
      for (let i = 0; i < 12; i++) {
        yield String(i);
        await sleep(40, undefined, { signal });
      }
    }, { heartbeat: 150 }));
    const text = await (await fetch(busy.url)).text();
    expect(count(text, 'data: ')).toBe(12);
    expect(count(text, ':\n\n')).toBe(1);
  });

  it('calls a generator\'s finally about a client check (1 s) after the client leaves, while it waits on a 60 s timer', async () => {
    let finished = 0;
    const { url } = await serve(sseApp(async function* ({ signal }) {
      try {
        yield 'hello';
        await sleep(60_000, undefined, { signal });
        yield 'too late';
      } finally {
        finished = Date.now();
      }
    }, { heartbeat: 60_000 }));
    const controller = new AbortController();
    const reader = new StreamReader(await fetch(url, { signal: controller.signal }));
    await reader.until((text) => text.includes('data: hello'), 'the first event');
    await sleep(100);
    const left = Date.now();
    controller.abort();
    await waitFor(() => finished > 0, 'the generator\'s finally', 300);
    expect(finished - left).toBeLessThan(2_500);
  });

  it('calls return() of events whose next() never settles, within the client check, and aborts the signal', async () => {
    let returned = 0;
    let signalAborted = false;
    const app = sseApp(({ signal }) => {
      signal.addEventListener('abort', () => (signalAborted = true));
      return {
        [Symbol.asyncIterator]: () => ({
          next: () => new Promise<IteratorResult<EventLike>>(() => undefined),
          return: async () => {
            returned = Date.now();
            return { done: true, value: undefined };
          },
        }),
      };
    }, { heartbeat: 0, clientCheck: 200 });
    const { url } = await serve(app);
    const controller = new AbortController();
    const reader = new StreamReader(await fetch(url, { signal: controller.signal }));
    await reader.until((text) => text === ':\n\n', 'the opening comment');
    const left = Date.now();
    controller.abort();
    await waitFor(() => returned > 0, 'return()', 300);
    expect(returned - left).toBeLessThan(1_500);
    expect(signalAborted).toBe(true);
  });

  it('does the same for a BaseHandler method that returns the stream', async () => {
    let finished = 0;
    class Feed extends BaseHandler {
      doGET(): AsyncIterable<string | Uint8Array> {
        const stream = eventStream(this.environ, async function* ({ signal }) {
          try {
            yield { id: '1', data: 'from a handler' };
            await aborted(signal);
          } finally {
            finished = Date.now();
          }
        }, { heartbeat: 0 });
        this.start('200 OK', stream.headers);
        return stream;
      }
    }
    const { url } = await serve(Feed);
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = new StreamReader(response);
    await reader.until((text) => text.includes('data: from a handler\n\n'), 'the event');
    const left = Date.now();
    controller.abort();
    await waitFor(() => finished > 0, 'the generator\'s finally', 300);
    expect(finished - left).toBeLessThan(2_500);
  });

  it('is dropped by the send timeout when the client stops reading, and the producer is closed', async () => {
    let finished = 0;
    let produced = 0;
    const big = 'x'.repeat(64 * 1024);
    const app = sseApp(async function* () {
      try {
        for (;;) {
          produced++;
          yield big;
        }
      } finally {
        finished = Date.now();
      }
    });
    const { port, errors } = await serve(app, { sendTimeout: 500 });
    const socket = await openSocket(port);
    socket.pause();
    socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const started = Date.now();
    try {
      await waitFor(() => finished > 0, 'the producer to be closed', 500);
    } finally {
      socket.destroy();
    }
    expect(finished - started).toBeGreaterThanOrEqual(450);
    expect(finished - started).toBeLessThan(4_000);
    // Backpressure held the producer to what the socket buffers took.
    expect(produced).toBeLessThan(2_000);
    await waitFor(() => errors.text.includes('send timeout'), 'the log line');
  });

  it('fails loudly on an id the format cannot carry: the connection is cut and the log names it', async () => {
    let closed = false;
    const app = sseApp(async function* () {
      try {
        yield { id: '1', data: 'fine' };
        yield { id: 'bad\nid', data: 'never sent' };
      } finally {
        closed = true;
      }
    });
    const { url, errors } = await serve(app);
    const response = await fetch(url);
    await expect(response.text()).rejects.toThrow();
    await waitFor(() => closed && errors.text.includes('contains NUL or a line break'), 'the log line');
  });

  it('answers a clean 500 when the producer throws before any event', async () => {
    const app = sseApp(() => {
      throw new Error('no feed today');
    });
    const { url, errors } = await serve(app);
    const response = await fetch(url);
    expect(response.status).toBe(500);
    await waitFor(() => errors.text.includes('no feed today'), 'the log line');
  });

  it('sends headers only for HEAD and never runs the producer', async () => {
    let called = false;
    const { url } = await serve(sseApp(() => {
      called = true;
      return ['x'];
    }));
    const response = await fetch(url, { method: 'HEAD' });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await response.text()).toBe('');
    expect(called).toBe(false);
  });

  it('ends with the events and works on every host (TestClient), a plain iterable of events too', async () => {
    const response = await new TestClient(sseApp(() => ['a', { event: 'b', data: '' }])).get('/');
    expect(response.text()).toBe(':\n\ndata: a\n\nevent: b\ndata: \n\n');
  });

  it('streams through toFetchHandler, and a cancelled Response body closes the producer', async () => {
    let finished = false;
    const handler = toFetchHandler(sseApp(async function* ({ signal }) {
      try {
        yield { id: '1', data: 'over fetch' };
        await aborted(signal);
      } finally {
        finished = true;
      }
    }, { heartbeat: 0, clientCheck: 0 }));
    const response = await handler(new Request('http://127.0.0.1/events', { headers: { 'Last-Event-ID': '0' } }));
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = new StreamReader(response);
    await reader.until((text) => text.includes('data: over fetch\n\n'), 'the event');
    await reader.cancel();
    await waitFor(() => finished, 'the generator\'s finally', 100);
  });

  it('keeps the gateway rules with its client-check empty chunks (validate() finds nothing)', async () => {
    const app = sseApp(async function* ({ signal }) {
      yield 'a';
      await sleep(700, undefined, { signal });
      yield 'b';
    }, { clientCheck: 100 });
    const { url, errors } = await serve(validate(app));
    expect(await (await fetch(url)).text()).toBe(':\n\ndata: a\n\ndata: b\n\n');
    expect(errors.text).toBe('');
  });

  it('refuses bad options at creation, and a second iteration', () => {
    const environ = { HTTP_LAST_EVENT_ID: undefined } as unknown as Environ;
    expect(() => eventStream(environ, [], { heartbeat: -1 })).toThrow(/heartbeat must be a non-negative number/);
    expect(() => eventStream(environ, [], { clientCheck: Number.NaN })).toThrow(/clientCheck must be/);
    expect(() => eventStream(environ, [], { retry: 1.5 })).toThrow(/retry must be a non-negative integer/);
    const stream = eventStream(environ, []);
    stream[Symbol.asyncIterator]();
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/iterated only once/);
  });
});
