import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventStream, type App, type EventContext, type EventLike } from '../../src/gateway/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { daemonsAvailable, NGINX, PROXY_HEADERS, startNginx, type Daemon } from '../deploy/support.js';
import { count, StreamReader } from './sse-support.js';

/** Events made one at a time: the next only once the test has seen the last. */
class Lockstep {
  seen = -1;
  #wake: (() => void) | undefined;

  saw(n: number): void {
    this.seen = n;
    this.#wake?.();
  }

  produce = async function* (this: Lockstep, { signal }: EventContext): AsyncGenerator<EventLike> {
    for (let n = 0; n < 5; n++) {
      yield { id: String(n), data: `event ${n}` };
      while (this.seen < n && !signal.aborted) await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  };
}

describe.runIf(daemonsAvailable(NGINX))('event streams behind a real nginx (proxy buffering on, as by default, and gzip on for them)', () => {
  let dir: string;
  let server: TsgiServer;
  let nginx: Daemon;
  let base: string;
  let gate: Lockstep;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsgi-sse-nginx-'));
    const app: App = (environ, startResponse) => {
      const path = environ.PATH_INFO;
      const stream = eventStream(environ, path === '/quiet' ? quiet : gate.produce.bind(gate), { heartbeat: 300 });
      // The control: the same stream without the header that turns nginx's buffering off.
      const headers = path === '/buffered' ? stream.headers.filter(([name]) => name !== 'X-Accel-Buffering') : stream.headers;
      startResponse('200 OK', headers);
      return stream;
    };
    server = makeServer('127.0.0.1', 0, app, { log: null, closeTimeout: 500 });
    const { port } = await server.listen();
    nginx = await startNginx(dir, (listen) => `
  server {
    listen 127.0.0.1:${listen};
    location / {
      proxy_pass http://127.0.0.1:${port};${PROXY_HEADERS}
      proxy_read_timeout 1s;
      # With buffering on, nginx still passes a small event on when the
      # client can take it; its gzip filter is where an event stream gets
      # stuck, unless X-Accel-Buffering: no turns buffering (and so the
      # filter's holding back) off.
      gzip on;
      gzip_types text/event-stream;
    }
  }`);
    base = `http://127.0.0.1:${nginx.port}`;
  });

  afterAll(async () => {
    await nginx?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes each event on as it comes (X-Accel-Buffering: no): the next is made only after the client saw the last', async () => {
    gate = new Lockstep();
    const response = await fetch(`${base}/events`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('server')).toMatch(/^nginx/);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = new StreamReader(response);
    for (let n = 0; n < 5; n++) {
      await reader.until((text) => text.includes(`data: event ${n}\n\n`), `event ${n} through nginx`, 3_000);
      gate.saw(n);
    }
    expect((await reader.end()).replaceAll(':\n\n', '')).toBe([0, 1, 2, 3, 4].map((n) => `id: ${n}\ndata: event ${n}\n\n`).join(''));
  });

  it('is held back without the header (the control: nginx buffers it, here in its gzip filter)', async () => {
    gate = new Lockstep();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 1_500);
    const outcome = await fetch(`${base}/buffered`, { signal: controller.signal, headers: { 'Accept-Encoding': 'gzip' } })
      .then((response) => new StreamReader(response).until((text) => text.includes('data: event 0'), 'event 0', 3_000))
      .then(
        () => 'delivered',
        (error: unknown) => (error instanceof Error && error.name === 'AbortError' ? 'held back' : String(error)),
      );
    clearTimeout(timer);
    expect(outcome).toBe('held back');
  });

  it('keeps a quiet stream open past proxy_read_timeout with heartbeats', async () => {
    const controller = new AbortController();
    const reader = new StreamReader(await fetch(`${base}/quiet`, { signal: controller.signal }));
    await sleep(2_500);
    await reader.until((text) => count(text, ':\n\n') >= 6, 'heartbeats through nginx', 1_000);
    expect(reader.ended).toBe(false);
    controller.abort();
  });
});

async function* quiet({ signal }: EventContext): AsyncGenerator<EventLike> {
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  yield 'never';
}
