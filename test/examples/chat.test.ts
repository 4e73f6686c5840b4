import { describe, expect, it } from 'vitest';
import { chatApp } from '../../examples/chat/app.js';
import { ChatRoom } from '../../examples/chat/room.js';
import { site } from '../../examples/site.js';
import { TestClient, type TestWebSocket } from '../../src/testing/index.js';
import { serve, waitFor } from '../server/helpers.js';
import { nextMessage, openClient } from '../server/websocket-support.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';

async function event(socket: TestWebSocket): Promise<Record<string, unknown>> {
  return JSON.parse(String(await socket.receive())) as Record<string, unknown>;
}

describe('chat example', () => {
  it('serves its page with the socket path under its mount point, and is on the site index', async () => {
    const page = await new TestClient(chatApp()).get('/');
    expect(page.status).toBe(200);
    expect(page.text()).toContain('data-socket="/socket"');
    expect(page.text()).toContain('new WebSocket(url)');
    expect((await new TestClient(site).get('/chat/')).text()).toContain('data-socket="/chat/socket"');
    expect((await new TestClient(site).get('/')).text()).toContain('<a href="/chat/">chat</a>');
    expect((await new TestClient(chatApp()).get('/socket', { headers: { Accept: 'text/plain' } })).status).toBe(400);
  });

  it('passes every message to every member, in process', async () => {
    const room = new ChatRoom();
    const client = new TestClient(chatApp(room));
    const ann = await client.websocket('/socket');
    expect(await event(ann)).toEqual({ kind: 'welcome', you: 'guest-1' });
    expect(await event(ann)).toEqual({ kind: 'joined', who: 'guest-1', members: 1 });
    const bob = await client.websocket('/socket');
    expect(await event(bob)).toEqual({ kind: 'welcome', you: 'guest-2' });
    expect(await event(ann)).toEqual({ kind: 'joined', who: 'guest-2', members: 2 });
    expect(await event(bob)).toEqual({ kind: 'joined', who: 'guest-2', members: 2 });
    await bob.send('  hi all  ');
    expect(await event(ann)).toEqual({ kind: 'message', from: 'guest-2', text: 'hi all' });
    expect(await event(bob)).toEqual({ kind: 'message', from: 'guest-2', text: 'hi all' });
    await bob.close();
    expect(await event(ann)).toEqual({ kind: 'left', who: 'guest-2', members: 1 });
    await ann.send(new Uint8Array([1]));
    expect(await ann.closed).toEqual({ code: 1003, reason: 'text messages only' });
    await waitFor(() => room.size === 0, 'the room to empty');
    await Promise.all([ann.done, bob.done]);
    await expect(client.websocket('/elsewhere')).rejects.toMatchObject({ response: { status: 404 } });
  });

  it('works over a real socket through the whole site, with the ws client', async () => {
    const { url } = await serve(site);
    const ann = await openClient(new URL('chat/socket', url).href);
    const bob = await openClient(new URL('chat/socket', url).href);
    const heard = async (client: typeof ann, text: string): Promise<void> => {
      for (let i = 0; i < 10; i++) {
        const message = JSON.parse(String(await nextMessage(client))) as { kind: string; text?: string };
        if (message.kind === 'message' && message.text === text) return;
      }
      throw new Error(`never heard ${text}`);
    };
    ann.ws.send('over TCP');
    await Promise.all([heard(ann, 'over TCP'), heard(bob, 'over TCP')]);
    ann.ws.close();
    bob.ws.close();
    await Promise.all([ann.closed, bob.closed]);
  });

  describe.runIf(chromiumAvailable())('in Chromium', () => {
    it('two pages exchange messages through the room', async () => {
      const { url } = await serve(site);
      const { browser, close } = await launchChromium();
      try {
        const [one, two] = await Promise.all([browser.newPage(), browser.newPage()]);
        for (const page of [one!, two!]) {
          await page.goto(new URL('chat/', url).href);
          await page.locator('#state', { hasText: 'connected' }).waitFor({ timeout: 5_000 });
        }
        const nameOne = await one!.locator('#me').textContent();
        const nameTwo = await two!.locator('#me').textContent();
        expect(nameOne).toMatch(/^guest-\d+$/);
        expect(nameTwo).not.toBe(nameOne);
        await one!.fill('#text', 'hello from the first page');
        await one!.press('#text', 'Enter');
        await two!.locator('#log li', { hasText: `${nameOne}: hello from the first page` }).waitFor({ timeout: 5_000 });
        await two!.fill('#text', 'and back from the second');
        await two!.click('button');
        await one!.locator('#log li', { hasText: `${nameTwo}: and back from the second` }).waitFor({ timeout: 5_000 });
        await two!.close();
        await one!.locator('#log li.note', { hasText: `${nameTwo} left (1 here)` }).waitFor({ timeout: 5_000 });
      } finally {
        await close();
      }
    }, 30_000);

    it('refuses a page of another origin (403 before the app), unless the server lists that origin', async () => {
      // Another port is another origin: its page tries to join the room named in its query.
      const elsewhere = await serve((_environ, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
        return [`<!DOCTYPE html><body><script>
          const socket = new WebSocket(new URLSearchParams(location.search).get('room'));
          socket.onopen = () => { document.body.dataset.outcome = 'opened'; socket.close(); };
          socket.onclose = (event) => { document.body.dataset.outcome ??= 'closed ' + event.code; };
        </script></body>`];
      });
      const strict = await serve(site);
      const listing = await serve(site, { webSocket: { allowedOrigins: [new URL(elsewhere.url).origin] } });
      const { browser, close } = await launchChromium();
      const outcome = async (chatUrl: string): Promise<string | null> => {
        const room = new URL('chat/socket', chatUrl);
        room.protocol = 'ws:';
        const page = await browser.newPage();
        await page.goto(`${elsewhere.url}?room=${encodeURIComponent(room.href)}`);
        await page.locator('body[data-outcome]').waitFor({ state: 'attached', timeout: 5_000 });
        return page.locator('body').getAttribute('data-outcome');
      };
      try {
        expect(await outcome(strict.url)).toBe('closed 1006');
        expect(await outcome(listing.url)).toBe('opened');
      } finally {
        await close();
      }
    }, 30_000);
  });
});
