import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/gateway/http-error.js';
import { BaseHandler, param, route } from '../../src/handler/index.js';
import { TestClient } from '../../src/testing/index.js';
import { serve } from './helpers.js';
import { nextMessage, openClient } from './websocket-support.js';

@route('/rooms/:room')
class Room extends BaseHandler {
  doGET(@param('room') room: string): string {
    return `room ${room} over HTTP\n`;
  }

  async doWEBSOCKET(@param('room') room: string): Promise<void> {
    if (room === 'closed') throw new HttpError(403, 'this room is closed');
    const socket = await this.acceptWebSocket();
    void (async () => {
      for await (const message of socket) await socket.send(`${room}: ${String(message)}`);
    })();
  }
}

class PlainPage extends BaseHandler {
  doGET(): string {
    return 'only HTTP here\n';
  }
}

describe('BaseHandler doWEBSOCKET over a real socket', () => {
  it('reaches doWEBSOCKET with the route params bound, while GET still goes to doGET', async () => {
    const { url } = await serve(Room);
    const client = await openClient(new URL('rooms/lobby', url).href);
    client.ws.send('hi');
    expect(await nextMessage(client)).toBe('lobby: hi');
    client.ws.close();
    const page = await fetch(new URL('rooms/lobby', url));
    expect(await page.text()).toBe('room lobby over HTTP\n');
    expect(page.headers.get('allow')).toBeNull();
  });

  it('answers what doWEBSOCKET throws before accepting', async () => {
    const { url } = await serve(Room);
    await expect(openClient(new URL('rooms/closed', url).href)).rejects.toMatchObject({ status: 403, body: expect.stringContaining('this room is closed') });
  });

  it('answers 426 with Upgrade: websocket for a class without doWEBSOCKET', async () => {
    const { url } = await serve(PlainPage);
    await expect(openClient(url)).rejects.toMatchObject({ status: 426, headers: { upgrade: 'websocket' }, body: expect.stringContaining('takes no WebSocket connections') });
    expect(await (await fetch(url)).text()).toBe('only HTTP here\n');
  });

  it('keeps WEBSOCKET out of Allow and refuses it as a request method', async () => {
    const { url } = await serve(Room);
    const options = await fetch(new URL('rooms/a', url), { method: 'OPTIONS' });
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    // Node's parser refuses unknown methods, so the method itself is tried in process.
    const response = await new TestClient(Room).request('WEBSOCKET', '/rooms/a');
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET, HEAD, OPTIONS');
  });
});
