import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../examples/clock/app.js';
import { site } from '../../examples/site.js';
import { resumeAfter } from '../../examples/clock/ticks.js';
import { TestClient } from '../../src/testing/index.js';
import { freePort } from '../deploy/support.js';
import { serve } from '../server/helpers.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { StreamReader } from '../gateway/sse-support.js';

const MAIN = 'dist/examples/clock/main.js';

/** Starts the clock as `npm run example:clock` does, on `port`; resolves once it listens. */
async function startClock(port: number): Promise<ChildProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does it in pretest)`);
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout! });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  try {
    for await (const line of lines) if (line.includes(`:${port}`)) return child;
    throw new Error('the clock exited before it listened');
  } finally {
    clearTimeout(timer);
  }
}

describe('clock example', () => {
  it('serves its page, with the event stream\'s URL under its mount point', async () => {
    const page = await new TestClient(Clock).get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(page.text()).toContain('data-events="/events"');
    expect(page.text()).toContain('new EventSource(document.body.dataset.events)');
    const mounted = await new TestClient(site).get('/clock/');
    expect(mounted.text()).toContain('data-events="/clock/events"');
    expect((await new TestClient(site).get('/')).text()).toContain('<a href="/clock/">clock</a>');
    expect((await new TestClient(Clock).get('/elsewhere')).status).toBe(404);
  });

  it('refuses a Last-Event-ID it never sent with a 400 that says why', async () => {
    const response = await new TestClient(Clock).get('/events', { headers: { 'Last-Event-ID': 'yesterday', Accept: 'text/plain' } });
    expect(response.status).toBe(400);
    expect(response.text()).toContain('Last-Event-ID must be a tick number this clock sent');
    expect(resumeAfter(undefined)).toBe(0);
    expect(resumeAfter('41')).toBe(41);
  });

  it('ticks once a second with increasing ids, and resumes after Last-Event-ID', async () => {
    const { url } = await serve(Clock);
    const source = new EventSource(new URL('/events', url));
    const ticks: Array<{ id: string; tick: number; time: number }> = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${ticks.length} ticks`)), 6_000);
        source.onmessage = (event) => {
          const data = JSON.parse(event.data) as { tick: number; time: string };
          ticks.push({ id: event.lastEventId, tick: data.tick, time: Date.parse(data.time) });
          if (ticks.length === 3) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
    } finally {
      source.close();
    }
    expect(ticks.map(({ id, tick }) => [id, tick])).toEqual([['1', 1], ['2', 2], ['3', 3]]);
    // On the second, a second apart.
    expect(ticks[2]!.time - ticks[1]!.time).toBeGreaterThanOrEqual(700);
    expect(ticks[2]!.time - ticks[1]!.time).toBeLessThan(1_300);
    expect(ticks[2]!.time % 1000).toBeLessThan(300);

    const controller = new AbortController();
    const resumed = new StreamReader(await fetch(new URL('/events', url), { headers: { 'Last-Event-ID': '41' }, signal: controller.signal }));
    const text = await resumed.until((part) => part.includes('\n\n', part.indexOf('id:')), 'the first tick');
    expect(text).toMatch(/^retry: 1000\n\nid: 42\ndata: \{"tick":42,"time":"[^"]+"\}\n\n$/);
    controller.abort();
  });

  describe.runIf(chromiumAvailable())('in Chromium, as npm run example:clock serves it', () => {
    it('shows the time live, and carries on from the last tick after the server restarts', async () => {
      const port = await freePort();
      let clock = await startClock(port);
      const { browser, close } = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.waitForFunction("Number(document.getElementById('tick').textContent) >= 2", undefined, { timeout: 6_000 });
        expect(await page.textContent('#time')).toMatch(/^\d\d:\d\d:\d\d UTC$/);
        expect(await page.textContent('#state')).toBe('connected');
        // The stream went through compress (Chromium asks for gzip).
        const encoding = await page.evaluate(async () => (await fetch('/events', { signal: AbortSignal.timeout(3000) })).headers.get('content-encoding'));
        expect(encoding).toMatch(/^(gzip|br|deflate)$/);

        clock.kill('SIGKILL');
        await once(clock, 'exit');
        const before = Number(await page.getAttribute('body', 'data-last-event-id'));
        await page.waitForFunction("document.getElementById('state').textContent === 'reconnecting'", undefined, { timeout: 5_000 });
        clock = await startClock(port);
        await page.waitForFunction("document.getElementById('reconnects').textContent === '1'", undefined, { timeout: 6_000 });
        await page.waitForFunction(`Number(document.body.dataset.lastEventId) > ${before}`, undefined, { timeout: 3_000 });
        // The restarted server knew nothing; the browser's Last-Event-ID carried the count on.
        expect(Number(await page.getAttribute('body', 'data-last-event-id'))).toBe(before + 1);
      } finally {
        await close();
        clock.kill('SIGKILL');
      }
    }, 30_000);
  });
});
