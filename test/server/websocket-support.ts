// Shared pieces of the WebSocket tests: a ws client that records what it
// hears, and apps built on the extension.
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { App } from '../../src/gateway/types.js';
import { webSocketOf, type WebSocketConnection } from '../../src/gateway/websocket.js';

export interface Opened {
  ws: WebSocket;
  messages: Array<string | Buffer>;
  closed: Promise<{ code: number; reason: string }>;
}

/** Connects a ws client; resolves once open, rejects with the HTTP answer when refused. */
export function openClient(url: string, options: WebSocket.ClientOptions = {}, protocols: string[] = []): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), protocols, options);
    const messages: Array<string | Buffer> = [];
    const closed = new Promise<{ code: number; reason: string }>((done) => {
      ws.on('close', (code, reason) => done({ code, reason: reason.toString() }));
    });
    ws.on('message', (data, isBinary) => messages.push(isBinary ? (data as Buffer) : data.toString()));
    ws.on('open', () => resolve({ ws, messages, closed }));
    ws.on('error', (error) => reject(error));
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, headers: res.headers, body })));
    });
  });
}

/** The next message the client gets. */
export function nextMessage(opened: Opened): Promise<string | Buffer> {
  const have = opened.messages.shift();
  if (have !== undefined) return Promise.resolve(have);
  return new Promise((resolve) => {
    opened.ws.once('message', () => resolve(opened.messages.shift()!));
  });
}

/** An app that accepts and hands the connection to `session`; other requests get a plain 200. */
export function acceptingApp(session: (socket: WebSocketConnection) => Promise<void> | void): App {
  return async (environ, startResponse) => {
    const upgrade = webSocketOf(environ);
    if (upgrade === undefined) {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['plain\n'];
    }
    const socket = await upgrade.accept();
    void Promise.resolve(session(socket)).catch(() => undefined);
    return [];
  };
}

/** The echo session: every message back as it came. */
export async function echo(socket: WebSocketConnection): Promise<void> {
  for await (const message of socket) await socket.send(message);
}
