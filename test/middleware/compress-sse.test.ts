import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBrotliDecompress, createGunzip, createInflate, gunzipSync, type Gunzip } from 'node:zlib';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { eventStream, type App, type EventContext, type EventLike } from '../../src/gateway/index.js';
import { compress } from '../../src/middleware/compress/index.js';
import { serve, waitFor } from '../server/helpers.js';

function sseApp(produce: (context: EventContext) => AsyncIterable<EventLike> | Iterable<EventLike>): App {
  return (environ, startResponse) => {
    const stream = eventStream(environ, produce, { heartbeat: 0 });
    startResponse('200 OK', stream.headers);
    return stream;
  };
}

/**
 * A producer that makes event n+1 only once the client has decoded event
 * n: were the compressor to hold an event back, the two would wait on each
 * other and the test would time out instead of passing.
 */
function lockstep(total: number): { produce: (context: EventContext) => AsyncIterable<EventLike>; received: (n: number) => void } {
  let arrived = -1;
  let wake: (() => void) | undefined;
  return {
    received(n) {
      arrived = n;
      wake?.();
    },
    async *produce({ signal }) {
      for (let n = 0; n < total; n++) {
        yield { id: String(n), data: JSON.stringify({ n, text: 'the same words, again and again' }) };
        while (arrived < n && !signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

const DECODERS: Record<string, () => Gunzip | ReturnType<typeof createInflate> | ReturnType<typeof createBrotliDecompress>> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

describe('compress and event streams', () => {
  it.each(['gzip', 'deflate', 'br'])('flushes each event through %s: the client decodes one before the next is made', async (coding) => {
    const gate = lockstep(20);
    const { url } = await serve(compress(sseApp(gate.produce)));
    const { headers, text, wire } = await new Promise<{ headers: Record<string, unknown>; text: string; wire: number }>((resolve, reject) => {
      const req = request(url, { headers: { 'Accept-Encoding': coding }, agent: false }, (res) => {
        let decoded = '';
        let wire = 0;
        const decoder = DECODERS[coding]!();
        res.on('data', (data: Buffer) => (wire += data.length));
        res.pipe(decoder);
        decoder.setEncoding('utf8');
        decoder.on('data', (part: string) => {
          decoded += part;
          const ids = [...decoded.matchAll(/^id: (\d+)$/gm)];
          if (ids.length > 0) gate.received(Number(ids[ids.length - 1]![1]));
        });
        decoder.on('end', () => resolve({ headers: res.headers, text: decoded, wire }));
        decoder.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('the stream stalled')));
      req.end();
    });
    expect(headers['content-encoding']).toBe(coding);
    expect(headers['vary']).toBe('Accept-Encoding');
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(text.startsWith(':\n\nid: 0\ndata: {"n":0,')).toBe(true);
    expect(text.match(/^id: \d+$/gm)).toHaveLength(20);
    // The stream's shared window pays off even with a flush per event.
    expect(wire).toBeLessThan(Buffer.byteLength(text) / 2);
  });

  it('delivers each event to the eventsource client through gzip before the next is made', async () => {
    const gate = lockstep(10);
    const { url } = await serve(compress(sseApp(gate.produce)));
    let encoding: string | null = null;
    const source = new EventSource(url, {
      fetch: async (input, init) => {
        const response = await fetch(input, { ...init, headers: { ...init.headers, 'Accept-Encoding': 'gzip' } });
        encoding = response.headers.get('content-encoding');
        return response;
      },
    });
    const ids: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        source.onmessage = (event) => {
          ids.push(event.lastEventId);
          gate.received(Number(event.lastEventId));
          if (ids.length === 10) resolve();
        };
        setTimeout(() => reject(new Error(`stalled after ${ids.length} events`)), 10_000);
      });
    } finally {
      source.close();
    }
    expect(encoding).toBe('gzip');
    expect(ids).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('still closes a quiet compressed stream about a client check (1 s) after the client leaves', async () => {
    let finished = 0;
    const { url } = await serve(compress(sseApp(async function* ({ signal }) {
      try {
        yield 'hello';
        await sleep(60_000, undefined, { signal });
      } finally {
        finished = Date.now();
      }
    })));
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal, headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('data: hello')) text += new TextDecoder().decode((await reader.read()).value);
    const left = Date.now();
    controller.abort();
    await waitFor(() => finished > 0, 'the generator\'s finally', 300);
    expect(finished - left).toBeLessThan(2_500);
  });

  it('leaves an event stream alone when the app says Cache-Control: no-transform', async () => {
    const app: App = (environ, startResponse) => {
      const stream = eventStream(environ, ['plain']);
      startResponse('200 OK', stream.headers.map(([name, value]) => [name, name === 'Cache-Control' ? 'no-cache, no-transform' : value]));
      return stream;
    };
    const { url } = await serve(compress(app));
    const response = await fetch(url, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(await response.text()).toBe(':\n\ndata: plain\n\n');
  });

  it('flushes a sync event-stream body per chunk too (a sync flush marker after each)', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/event-stream']]);
      return (function* () {
        for (let n = 0; n < 5; n++) yield `data: ${n}\n\n`;
      })();
    };
    const { url } = await serve(compress(app));
    const raw = await new Promise<{ encoding: unknown; bytes: Buffer }>((resolve, reject) => {
      const req = request(url, { headers: { 'Accept-Encoding': 'gzip' }, agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (data: Buffer) => parts.push(data));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(parts) }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(raw.encoding).toBe('gzip');
    // Z_SYNC_FLUSH ends each flush with an empty stored block: 00 00 ff ff.
    expect(raw.bytes.toString('hex').split('0000ffff').length - 1).toBeGreaterThanOrEqual(5);
    expect(gunzipSync(raw.bytes).toString()).toBe('data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n');
  });
});
