import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../src/gateway/types.js';
import { webSocketOf, type WebSocketClose, type WebSocketConnection } from '../../src/gateway/websocket.js';
import { rawRequest, serve, waitFor } from './helpers.js';
import { acceptingApp, echo, nextMessage, openClient } from './websocket-support.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

function handshake(port: number, lines: string[], method = 'GET'): string {
  return [`${method} /chat HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: Upgrade', 'Upgrade: websocket', ...lines, '', ''].join('\r\n');
}

describe('tsgi.websocket on makeServer, with the ws client', () => {
  it('echoes text as text and binary as binary', async () => {
    const { url } = await serve(acceptingApp(echo));
    const client = await openClient(url);
    client.ws.send('hello');
    expect(await nextMessage(client)).toBe('hello');
    client.ws.send(Buffer.from([0, 1, 2, 255]));
    const back = await nextMessage(client);
    expect(Buffer.isBuffer(back) && [...back]).toEqual([0, 1, 2, 255]);
    client.ws.close(1000);
    expect(await client.closed).toEqual({ code: 1000, reason: '' });
  });

  it('gives the app the close code and reason the client sent, and the client the ones the app sent', async () => {
    let ended: Promise<WebSocketClose> | undefined;
    const { url } = await serve(
      acceptingApp(async (socket) => {
        ended = socket.closed;
        for await (const message of socket) {
          if (message === 'close me') await socket.close(4001, 'as asked');
        }
      }),
    );
    const first = await openClient(url);
    first.ws.close(4000, 'bye');
    await first.closed;
    await waitFor(() => ended !== undefined, 'the session');
    expect(await ended).toEqual({ code: 4000, reason: 'bye' });
    const second = await openClient(url);
    second.ws.send('close me');
    expect(await second.closed).toEqual({ code: 4001, reason: 'as asked' });
  });

  it('closes with 1009 when a message is over maxMessageSize', async () => {
    const { url } = await serve(acceptingApp(echo), { webSocket: { maxMessageSize: 1024 } });
    const client = await openClient(url);
    client.ws.send('x'.repeat(1024));
    expect(await nextMessage(client)).toHaveLength(1024);
    client.ws.send('x'.repeat(1025));
    expect((await client.closed).code).toBe(1009);
  });

  it('rejects a send once maxQueuedBytes are waiting for a peer that does not read, and sends what it took', async () => {
    let outcome: { sent: number; error: Error } | undefined;
    const chunk = 'y'.repeat(16 * 1024);
    const { url } = await serve(
      acceptingApp(async (socket) => {
        await socket.send('ready');
        const pending: Array<Promise<void>> = [];
        for (let i = 0; i < 10_000; i++) {
          const sending = socket.send(chunk);
          pending.push(sending);
          const failed = await Promise.race([sending.then(() => undefined, (error: Error) => error), new Promise<undefined>((r) => setImmediate(r, undefined))]);
          if (failed !== undefined) {
            outcome = { sent: i, error: failed };
            return;
          }
        }
      }),
      { webSocket: { maxQueuedBytes: 256 * 1024 } },
    );
    const client = await openClient(url);
    expect(await nextMessage(client)).toBe('ready');
    client.ws.pause();
    await waitFor(() => outcome !== undefined, 'a rejected send');
    expect(outcome!.error.message).toMatch(/outgoing queue is full .*maxQueuedBytes is 262144/);
    // The kernel's buffers take some before the queue fills; the cap bounds the rest.
    expect(outcome!.sent).toBeGreaterThan(0);
    expect(outcome!.sent).toBeLessThan(10_000);
    client.ws.resume();
    await waitFor(() => client.messages.length >= outcome!.sent, 'the accepted messages');
    client.ws.close();
  });

  it('pings, keeps a peer that answers, and cuts one that stops answering within two intervals', async () => {
    let ended: Promise<WebSocketClose> | undefined;
    const { url, server } = await serve(
      acceptingApp((socket) => {
        ended = socket.closed;
      }),
      { webSocket: { pingInterval: 150 } },
    );
    const alive = await openClient(url);
    let pings = 0;
    alive.ws.on('ping', () => pings++);
    const dead = await openClient(url, { autoPong: false });
    const cutAt = Date.now();
    const closed = await dead.closed;
    const took = Date.now() - cutAt;
    expect(closed.code).toBe(1006);
    // Two intervals, with room for a loaded machine; the default interval is 30 s.
    expect(took).toBeLessThan(2 * 150 + 1_000);
    expect(await ended).toEqual({ code: 1006, reason: '' });
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);
    await server.close();
    expect((await alive.closed).code).toBe(1001);
  });

  it('refuses another site\'s page with 403 before the app runs, and lets the same origin and listed ones in', async () => {
    let calls = 0;
    const app: App = (environ, startResponse) => {
      calls++;
      return acceptingApp(echo)(environ, startResponse);
    };
    const { url, port } = await serve(app);
    await expect(openClient(url, { origin: 'http://evil.example' })).rejects.toMatchObject({ status: 403, body: expect.stringContaining('webSocket.allowedOrigins') });
    expect(calls).toBe(0);
    (await openClient(url, { origin: `http://127.0.0.1:${port}` })).ws.close();
    (await openClient(url)).ws.close();
    const listed = await serve(app, { webSocket: { allowedOrigins: ['https://app.example'] } });
    (await openClient(listed.url, { origin: 'https://app.example' })).ws.close();
    await expect(openClient(listed.url, { origin: `http://127.0.0.1:${listed.port}` })).rejects.toMatchObject({ status: 403 });
  });

  it('answers malformed handshakes 400 without calling the app', async () => {
    let calls = 0;
    const { port } = await serve(() => {
      calls++;
      return [];
    });
    const cases: Array<[string, RegExp]> = [
      [handshake(port, ['Sec-WebSocket-Key: short', 'Sec-WebSocket-Version: 13']), /Sec-WebSocket-Key must be 16 bytes/],
      [handshake(port, [`Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 8']), /Sec-WebSocket-Version must be 13, got "8"/],
      [handshake(port, ['Sec-WebSocket-Version: 13']), /needs a Sec-WebSocket-Key/],
      [handshake(port, [`Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 13', 'Content-Length: 0'], 'POST'), /is a GET request, not POST/],
    ];
    for (const [request, message] of cases) {
      const { text } = await rawRequest(port, request);
      expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(text).toMatch(/\r\nSec-WebSocket-Version: 13\r\n/i);
      expect(text).toMatch(message);
    }
    expect(calls).toBe(0);
  });

  it('applies the server\'s other refusals to a handshake: a host not allowed, a path outside scriptName', async () => {
    let calls = 0;
    const app = acceptingApp(() => {
      calls++;
    });
    const { port } = await serve(app);
    const wrongHost = await rawRequest(port, handshake(port, [`Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 13']).replace(`Host: 127.0.0.1:${port}`, 'Host: elsewhere.example'));
    expect(wrongHost.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*host "elsewhere\.example" is not allowed/);
    const mounted = await serve(app, { scriptName: '/app' });
    await expect(openClient(`${mounted.url}chat`)).rejects.toMatchObject({ status: 404 });
    (await openClient(`${mounted.url}app/chat`)).ws.close();
    await waitFor(() => calls === 1, 'the one accepted session');
  });

  it('sends the response of an app that does not accept, on the same socket', async () => {
    const app: App = (environ, startResponse) => {
      startResponse('409 Conflict', [['Content-Type', 'text/plain'], ['X-Why', String(webSocketOf(environ) !== undefined)]]);
      return ['the room is full\n'];
    };
    const { url } = await serve(app);
    await expect(openClient(url)).rejects.toMatchObject({ status: 409, body: 'the room is full\n', headers: { 'x-why': 'true' } });
  });

  it('hands another upgrade (h2c) back as an ordinary request, body and all', async () => {
    const { port } = await serve(async (environ, startResponse) => {
      let body = '';
      for await (const chunk of environ['tsgi.input']) body += Buffer.from(chunk).toString();
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [`${environ.REQUEST_METHOD} ${body} upgrade=${environ.HTTP_UPGRADE ?? 'none'} ws=${webSocketOf(environ) !== undefined}`];
    });
    const request = ['POST /x HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Connection: Upgrade, HTTP2-Settings', 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA', 'Content-Length: 5', 'Connection: close', '', 'hello'].join('\r\n');
    const { text } = await rawRequest(port, request);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toMatch(/POST hello upgrade=none ws=false$/);
  });

  it('answers a handed-back upgrade and then closes the connection, so repeated upgrades on keep-alive cannot pile up', async () => {
    let calls = 0;
    const { port } = await serve((_environ, startResponse) => {
      calls += 1;
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['ok'];
    });
    const one = ['GET /a HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Connection: Upgrade, HTTP2-Settings', 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA', '', ''].join('\r\n');
    // Two upgrade requests pipelined on one keep-alive connection: only the first is served.
    const { text } = await rawRequest(port, one + one.replace('/a', '/b'));
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(1);
    expect(text).toMatch(/\r\nConnection: close\r\n/i);
    expect(calls).toBe(1);
  });

  it('logs an app failure after accept and closes the connection with 1011', async () => {
    const app: App = async (environ) => {
      await webSocketOf(environ)!.accept();
      throw new Error('broke after accepting');
    };
    const { url, errors } = await serve(app);
    const client = await openClient(url);
    expect((await client.closed).code).toBe(1011);
    await waitFor(() => errors.text.includes('broke after accepting'), 'the log line');
  });

  it('offers the subprotocols and answers with the one chosen', async () => {
    let offered: readonly string[] = [];
    const app: App = async (environ) => {
      const upgrade = webSocketOf(environ)!;
      offered = upgrade.protocols;
      const socket: WebSocketConnection = await upgrade.accept({ protocol: 'chat.v2', headers: [['X-Room', 'lobby']] });
      await socket.send(socket.protocol);
      return [];
    };
    const { url } = await serve(app);
    const client = await openClient(url, {}, ['chat.v1', 'chat.v2']);
    expect(client.ws.protocol).toBe('chat.v2');
    expect(await nextMessage(client)).toBe('chat.v2');
    expect(offered).toEqual(['chat.v1', 'chat.v2']);
    client.ws.close();
  });
});

describe('tsgi.websocket under validate() on makeServer', () => {
  it('passes a correct accepting app, with nothing in the log', async () => {
    const { validate } = await import('../../src/gateway/validator/index.js');
    const { url, errors } = await serve(validate(acceptingApp(echo)));
    const client = await openClient(url);
    client.ws.send('checked');
    expect(await nextMessage(client)).toBe('checked');
    client.ws.close();
    await client.closed;
    expect(errors.text).toBe('');
  });
});
