/**
 * Chromium over TLS with the test certificate: it picks h2 in ALPN, and the
 * same app serves the page and its fetches over HTTP/2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventStream } from '../../src/gateway/sse.js';
import type { App } from '../../src/gateway/types.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { serveH2 } from './http2-support.js';
import { acceptingApp, echo } from './websocket-support.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>h2</title><p id="protocol"></p>`;

const site: App = (environ, startResponse) => {
  if (environ.PATH_INFO === '/protocol') {
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [environ.SERVER_PROTOCOL];
  }
  startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
  return [PAGE];
};

describe.runIf(chromiumAvailable())('HTTP/2 in Chromium', () => {
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    ({ browser, close: closeBrowser } = await launchChromium());
  });

  afterAll(async () => {
    await closeBrowser?.();
  });

  it('loads the page over h2 (nextHopProtocol), and a fetch from it reaches the app as HTTP/2.0', async () => {
    const { url } = await serveH2(site);
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);
      // Runs in the page; the test is compiled without the DOM library, so
      // the timing entries are typed here by the one field read.
      const seen = await page.evaluate(async () => {
        type Timing = { nextHopProtocol: string };
        const navigation = performance.getEntries()[0] as unknown as Timing;
        const answer = await fetch('/protocol');
        const text = await answer.text();
        const resource = performance.getEntriesByName(new URL('/protocol', answer.url).href)[0] as unknown as Timing;
        return { page: navigation.nextHopProtocol, fetched: resource.nextHopProtocol, text };
      });
      expect(seen).toEqual({ page: 'h2', fetched: 'h2', text: 'HTTP/2.0' });
    } finally {
      await context.close();
    }
  });

  it('opens a WebSocket from a page served over h2: the handshake goes over HTTP/1.1 on the same port', async () => {
    const accepting = acceptingApp(echo);
    const protocols: string[] = [];
    const { url } = await serveH2((environ, startResponse) => {
      if (environ['tsgi.websocket'] !== undefined) protocols.push(environ.SERVER_PROTOCOL);
      return accepting(environ, startResponse);
    });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(url);
      const seen = await page.evaluate(
        (target) =>
          new Promise<{ page: string; echoed: string }>((resolve, reject) => {
            const socket = new WebSocket(target);
            socket.onopen = () => socket.send('over h2?');
            socket.onerror = () => reject(new Error('the WebSocket failed'));
            socket.onmessage = (event) => {
              const navigation = performance.getEntries()[0] as unknown as { nextHopProtocol: string };
              resolve({ page: navigation.nextHopProtocol, echoed: String(event.data) });
              socket.close();
            };
          }),
        url.replace(/^https/, 'wss'),
      );
      expect(seen).toEqual({ page: 'h2', echoed: 'over h2?' });
      expect(protocols).toEqual(['HTTP/1.1']);
    } finally {
      await context.close();
    }
  });

  it('keeps ten EventSource streams open at once over one connection, past HTTP/1.1\'s six per origin', async () => {
    let returns = 0;
    const events: App = (environ, startResponse) => {
      if (environ.PATH_INFO !== '/events') return site(environ, startResponse);
      const name = environ.QUERY_STRING;
      const stream = eventStream(environ, async function* ({ signal }) {
        try {
          yield { data: `hello ${name}` };
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        } finally {
          returns++;
        }
      });
      startResponse('200 OK', stream.headers);
      return stream;
    };
    const { url, server } = await serveH2(events);
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(url);
      const received = await page.evaluate(
        () =>
          new Promise<string[]>((resolve) => {
            const seen: string[] = [];
            for (let i = 0; i < 10; i++) {
              const source = new EventSource(`/events?${i}`);
              source.onmessage = (event) => {
                seen.push(event.data as string);
                if (seen.length === 10) resolve(seen.sort());
              };
            }
          }),
      );
      expect(received).toEqual(Array.from({ length: 10 }, (_, i) => `hello ${i}`).sort());
      const connections = await new Promise<number>((resolve, reject) =>
        server.httpServer.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
      expect(connections).toBe(1);
    } finally {
      await context.close();
    }
    // Closing the page resets every stream; each body's return() runs once.
    for (let i = 0; i < 300 && returns < 10; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(returns).toBe(10);
  });
});
