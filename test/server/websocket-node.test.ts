import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryErrors } from '../../src/gateway/errors.js';
import { toNodeListener, toNodeUpgradeListener } from '../../src/server/index.js';
import { rawRequest } from './helpers.js';
import { acceptingApp, echo, nextMessage, openClient } from './websocket-support.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('toNodeUpgradeListener on a node:http server made elsewhere', () => {
  it('serves WebSockets beside toNodeListener, and closes them with 1001 on closeAll', async () => {
    const app = acceptingApp(echo);
    const errors = new MemoryErrors();
    const upgrade = toNodeUpgradeListener(app, { errors });
    const server = createServer(toNodeListener(app, { errors }));
    server.on('upgrade', upgrade);
    const port = await listen(server);
    const client = await openClient(`http://127.0.0.1:${port}/`);
    client.ws.send('through node:http');
    expect(await nextMessage(client)).toBe('through node:http');
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('plain\n');
    upgrade.closeAll();
    expect((await client.closed).code).toBe(1001);
    expect(errors.text).toBe('');
  });

  it('applies the same refusals: a malformed handshake 400, another origin 403', async () => {
    const server = createServer(toNodeListener(acceptingApp(echo)));
    server.on('upgrade', toNodeUpgradeListener(acceptingApp(echo)));
    const port = await listen(server);
    const bad = await rawRequest(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: nope\r\n\r\n`);
    expect(bad.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Sec-WebSocket-Key must be 16 bytes/);
    await expect(openClient(`http://127.0.0.1:${port}/`, { origin: 'https://elsewhere.example' })).rejects.toMatchObject({ status: 403 });
  });

  it('hands another upgrade back to the server, where toNodeListener answers it', async () => {
    const app = acceptingApp(echo);
    const server = createServer(toNodeListener(app));
    server.on('upgrade', toNodeUpgradeListener(app));
    const port = await listen(server);
    const { text } = await rawRequest(port, `GET /x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nplain\n$/);
  });
});
