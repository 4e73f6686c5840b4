import { describe, expect, it } from 'vitest';
import type { App } from '../../src/gateway/types.js';
import { webSocketOf } from '../../src/gateway/websocket.js';
import { ValidationError } from '../../src/gateway/validator/index.js';
import { BaseHandler, param, route } from '../../src/handler/index.js';
import { TestClient, TestWebSocketRefused } from '../../src/testing/index.js';

const echo: App = async (environ) => {
  const socket = await webSocketOf(environ)!.accept({ protocol: webSocketOf(environ)!.protocols[0] });
  void (async () => {
    for await (const message of socket) await socket.send(message);
    await socket.close(4000, 'done');
  })();
  return [];
};

@route('/rooms/:room')
class Room extends BaseHandler {
  async doWEBSOCKET(@param('room') room: string): Promise<void> {
    const socket = await this.acceptWebSocket();
    await socket.send(`welcome to ${room}`);
  }
}

class Page extends BaseHandler {
  doGET(): string {
    return 'page';
  }
}

describe('TestClient.websocket, in process', () => {
  it('drives the app through the extension: text, bytes, the protocol and the close', async () => {
    const socket = await new TestClient(echo).websocket('/echo', { protocols: ['chat.v1'] });
    expect(socket.protocol).toBe('chat.v1');
    await socket.send('hi');
    expect(await socket.receive()).toBe('hi');
    const bytes = new Uint8Array([1, 2, 3]);
    await socket.send(bytes);
    bytes[0] = 9;
    expect([...(await socket.receive() as Uint8Array)]).toEqual([1, 2, 3]);
    await socket.close(1000, 'bye');
    expect(await socket.closed).toEqual({ code: 1000, reason: 'bye' });
    await expect(socket.receive()).rejects.toThrow(/closed \(1000 bye\) before a message came/);
    await socket.done;
  });

  it('reaches doWEBSOCKET with route params', async () => {
    const socket = await new TestClient(Room).websocket('/rooms/lobby');
    expect(await socket.receive()).toBe('welcome to lobby');
    await socket.done;
  });

  it('rejects with the response of an app that does not accept: 426 with Upgrade for a class without doWEBSOCKET', async () => {
    const refused = await new TestClient(Page).websocket('/').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TestWebSocketRefused);
    const { response } = refused as TestWebSocketRefused;
    expect(response.status).toBe(426);
    expect(response.headers.get('Upgrade')).toBe('websocket');
    expect(response.text()).toMatch(/takes no WebSocket connections/);
  });

  it('sees the handshake headers an app reads', async () => {
    const app: App = async (environ) => {
      const socket = await webSocketOf(environ)!.accept();
      await socket.send(`${environ.HTTP_UPGRADE} ${environ.HTTP_SEC_WEBSOCKET_VERSION} ${environ.HTTP_ORIGIN}`);
      return [];
    };
    const socket = await new TestClient(app).websocket('/', { headers: { Origin: 'http://localhost' } });
    expect(await socket.receive()).toBe('websocket 13 http://localhost');
  });
});

describe('the validator on tsgi.websocket, through TestClient', () => {
  async function breachOf(app: App): Promise<ValidationError> {
    const outcome = await new TestClient(app).websocket('/').then(
      (socket) => socket.done.then(() => undefined, (error: unknown) => error),
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(ValidationError);
    return outcome as ValidationError;
  }

  it('catches startResponse after accept', async () => {
    const error = await breachOf(async (environ, startResponse) => {
      await webSocketOf(environ)!.accept();
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [];
    });
    expect(error.rule).toBe('websocket-start-response');
  });

  it('catches accept after startResponse', async () => {
    const error = await breachOf(async (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      await webSocketOf(environ)!.accept().catch(() => undefined);
      return [];
    });
    expect(error.rule).toBe('websocket-start-response');
  });

  it('catches a second accept, even one the app swallows', async () => {
    const error = await breachOf(async (environ) => {
      await webSocketOf(environ)!.accept();
      await webSocketOf(environ)!.accept().catch(() => undefined);
      return [];
    });
    expect(error.rule).toBe('websocket-accept-twice');
  });

  it('catches a body returned after accept', async () => {
    expect(
      (
        await breachOf(async (environ) => {
          await webSocketOf(environ)!.accept();
          return ['not empty'];
        })
      ).rule,
    ).toBe('websocket-body');
  });

  it('catches a server whose accept gives a connection of the wrong shape', async () => {
    const app: App = async (environ) => {
      await webSocketOf(environ)!.accept();
      return [];
    };
    const broken = { protocols: [], accepted: false, accept: () => Promise.resolve({ send() {} }) };
    const error = await new TestClient(app).get('/', { environ: { 'tsgi.websocket': broken } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ rule: 'websocket-api', side: 'server' });
  });

  it('lets a correct exchange through without a violation', async () => {
    const socket = await new TestClient(echo).websocket('/');
    await socket.send('ok');
    expect(await socket.receive()).toBe('ok');
    await socket.close();
    await expect(socket.done).resolves.toBeUndefined();
  });
});
