/**
 * An accepted WebSocket as the app sees it: the `ws` library's socket
 * behind the extension's {@link WebSocketConnection}, with the outgoing
 * queue's cap, a paused socket while unread messages pile up, and the
 * ping/pong keep-alive.
 *
 * @module
 */
import type { RawData, WebSocket } from 'ws';
import type { WebSocketClose, WebSocketConnection, WebSocketMessage } from '../../gateway/websocket.js';
import { CLOSED_SEND, messageProblem } from '../../gateway/websocket-checks.js';
import type { WebSocketLimits } from './options.js';

// Messages read from the network but not yet by the app, past which the
// socket is paused so that TCP holds the peer back.
const UNREAD_HIGH_WATER = 16;
const OPEN = 1;

/**
 * The connection an app gets from `accept()` on this server.
 *
 * @example
 * ```ts
 * const socket = new ServerWebSocket(ws, limits, () => registry.delete(socket));
 * await socket.send('hello');
 * ```
 */
export class ServerWebSocket implements WebSocketConnection {
  readonly protocol: string;
  readonly closed: Promise<WebSocketClose>;
  readonly #ws: WebSocket;
  readonly #limits: WebSocketLimits;
  readonly #unread: WebSocketMessage[] = [];
  #waiting: ((result: IteratorResult<WebSocketMessage>) => void) | undefined;
  #iterating = false;
  #queuedBytes = 0;
  #ended: WebSocketClose | undefined;
  #paused = false;
  #alive = true;
  #pinger: NodeJS.Timeout | undefined;

  constructor(ws: WebSocket, limits: WebSocketLimits, onClose: () => void) {
    this.#ws = ws;
    this.#limits = limits;
    this.protocol = ws.protocol;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        this.#ended = { code, reason: reason.toString('utf8') };
        clearInterval(this.#pinger);
        onClose();
        this.#settleWaiting();
        resolve(this.#ended);
      });
    });
    // A peer's protocol error closes the connection (ws answers it with the
    // close code); the app learns of it through `closed`, not an exception.
    ws.on('error', () => {});
    ws.on('message', (data: RawData, isBinary: boolean) => this.#arrived(isBinary ? bytesOf(data) : textOf(data)));
    if (limits.pingInterval > 0) {
      ws.on('pong', () => {
        this.#alive = true;
      });
      this.#pinger = setInterval(() => this.#ping(), limits.pingInterval);
      this.#pinger.unref();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    if (this.#iterating) throw new Error('the WebSocket is already being iterated; read its messages in one loop');
    this.#iterating = true;
    return {
      next: () => this.#next(),
      return: () => {
        this.#iterating = false;
        this.#settleWaiting();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  send(data: WebSocketMessage): Promise<void> {
    const problem = messageProblem(data);
    if (problem !== undefined) return Promise.reject(problem);
    if (this.#ws.readyState !== OPEN) return Promise.reject(new Error(CLOSED_SEND));
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    const cap = this.#limits.maxQueuedBytes;
    if (this.#queuedBytes > 0 && this.#queuedBytes + size > cap) {
      return Promise.reject(
        new Error(
          `the WebSocket's outgoing queue is full (${this.#queuedBytes} bytes waiting, webSocket.maxQueuedBytes is ${cap}); ` +
            'the peer is not reading: await send() before sending more, or drop or close the connection',
        ),
      );
    }
    this.#queuedBytes += size;
    return new Promise((resolve, reject) => {
      this.#ws.send(data, { binary: typeof data !== 'string' }, (error) => {
        this.#queuedBytes -= size;
        if (error == null) resolve();
        else reject(error);
      });
    });
  }

  close(code = 1000, reason = ''): Promise<WebSocketClose> {
    try {
      this.#ws.close(code, reason);
    } catch (error) {
      // ws refuses reserved codes (1005, 1006, …) and reasons over 123 bytes.
      return Promise.reject(new RangeError(`close(${code}, …) was refused: ${(error as Error).message}`));
    }
    return this.closed;
  }

  /** Cuts the connection at once, without the closing handshake. */
  terminate(): void {
    this.#ws.terminate();
  }

  #next(): Promise<IteratorResult<WebSocketMessage>> {
    const message = this.#unread.shift();
    if (message !== undefined) {
      if (this.#paused && this.#unread.length < UNREAD_HIGH_WATER / 2) {
        this.#paused = false;
        this.#ws.resume();
      }
      return Promise.resolve({ done: false, value: message });
    }
    if (this.#ended !== undefined || !this.#iterating) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  #arrived(message: WebSocketMessage): void {
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting({ done: false, value: message });
      return;
    }
    this.#unread.push(message);
    if (!this.#paused && this.#unread.length >= UNREAD_HIGH_WATER) {
      this.#paused = true;
      this.#ws.pause();
    }
  }

  #settleWaiting(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ done: true, value: undefined });
  }

  #ping(): void {
    if (!this.#alive) {
      this.#ws.terminate();
      return;
    }
    this.#alive = false;
    this.#ws.ping();
  }
}

function textOf(data: RawData): string {
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(bytesOf(data)).toString('utf8');
}

function bytesOf(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
