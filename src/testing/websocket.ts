/**
 * WebSockets without a socket: a `tsgi.websocket` extension object whose
 * `accept()` joins the app to a {@link TestWebSocket} in the same process.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type { WebSocketAcceptOptions, WebSocketClose, WebSocketConnection, WebSocketMessage, WebSocketUpgrade } from '../gateway/websocket.js';
import { acceptProblem, CLOSED_SEND, closeCodeAllowed, messageProblem } from '../gateway/websocket-checks.js';
import type { Environ } from '../gateway/types.js';
import { TestClientError, type RequestHeaders } from './request.js';
import type { TestResponse } from './response.js';

/** One direction of the pair: messages waiting, and a reader waiting for them. */
class Inbox {
  readonly messages: WebSocketMessage[] = [];
  waiting: ((result: IteratorResult<WebSocketMessage>) => void) | undefined;

  put(message: WebSocketMessage): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting !== undefined) waiting({ done: false, value: message });
    else this.messages.push(message);
  }

  end(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ done: true, value: undefined });
  }
}

/** What both ends share: whether, and how, the connection closed. */
class Link {
  ended: WebSocketClose | undefined;
  readonly closed: Promise<WebSocketClose>;
  #resolve: (close: WebSocketClose) => void = () => {};
  readonly inboxes: [Inbox, Inbox] = [new Inbox(), new Inbox()];

  constructor(readonly protocol: string) {
    this.closed = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  close(close: WebSocketClose): void {
    if (this.ended !== undefined) return;
    this.ended = close;
    for (const inbox of this.inboxes) inbox.end();
    this.#resolve(close);
  }
}

/** One end of an in-process WebSocket; the app's end and the test's are alike. */
class MemoryEnd implements WebSocketConnection {
  readonly #link: Link;
  readonly #own: Inbox;
  readonly #peer: Inbox;
  #iterating = false;

  constructor(link: Link, side: 0 | 1) {
    this.#link = link;
    this.#own = link.inboxes[side];
    this.#peer = link.inboxes[side === 0 ? 1 : 0];
  }

  get protocol(): string {
    return this.#link.protocol;
  }

  get closed(): Promise<WebSocketClose> {
    return this.#link.closed;
  }

  send(data: WebSocketMessage): Promise<void> {
    const problem = messageProblem(data);
    if (problem !== undefined) return Promise.reject(problem);
    if (this.#link.ended !== undefined) return Promise.reject(new Error(CLOSED_SEND));
    // A copy, as the network would deliver: the sender may reuse its buffer.
    this.#peer.put(typeof data === 'string' ? data : new Uint8Array(data));
    return Promise.resolve();
  }

  close(code = 1000, reason = ''): Promise<WebSocketClose> {
    if (!closeCodeAllowed(code) || Buffer.byteLength(reason) > 123) {
      return Promise.reject(new RangeError(`close(${code}, …) was refused: the code must be one an endpoint may send (1000–1003, 1007–1014, 3000–4999) and the reason at most 123 bytes`));
    }
    this.#link.close({ code, reason });
    return this.#link.closed;
  }

  /** Yields each message as it arrives, and ends once the connection has closed; one iteration at a time. */
  [Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    if (this.#iterating) throw new Error('the WebSocket is already being iterated; read its messages in one loop');
    this.#iterating = true;
    return {
      next: () => this.next(),
      return: () => {
        this.#iterating = false;
        this.#own.end();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  /** The next message, or done once the connection closed with none left. */
  next(): Promise<IteratorResult<WebSocketMessage>> {
    const message = this.#own.messages.shift();
    if (message !== undefined) return Promise.resolve({ done: false, value: message });
    if (this.#link.ended !== undefined) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      this.#own.waiting = resolve;
    });
  }
}

/**
 * The test's end of a WebSocket opened by `TestClient.websocket()`: send
 * to the app, read what it sends (`receive()` or `for await`), close.
 *
 * @example
 * ```ts
 * const socket = await client.websocket('/echo');
 * await socket.send('hi');
 * expect(await socket.receive()).toBe('hi');
 * await socket.close();
 * ```
 *
 * @category Testing
 */
export class TestWebSocket extends MemoryEnd {
  /** @hidden Made by `TestClient.websocket()`. */
  constructor(link: Link, side: 0 | 1) {
    super(link, side);
  }

  /**
   * The app's run, settled once its response is done: rejects with a
   * gateway violation the validator found or an error the app threw.
   */
  done: Promise<void> = Promise.resolve();

  /**
   * The next message from the app; rejects when the connection closes
   * first, naming its close code.
   */
  async receive(): Promise<WebSocketMessage> {
    const result = await this.next();
    if (result.done === true) {
      const ended = await this.closed;
      throw new TestClientError(`the WebSocket closed (${ended.code}${ended.reason === '' ? '' : ` ${ended.reason}`}) before a message came`);
    }
    return result.value;
  }
}

/**
 * The app answered a WebSocket handshake with an HTTP response instead of
 * accepting; `response` is that response.
 *
 * @example
 * ```ts
 * await expect(client.websocket('/page')).rejects.toMatchObject({ response: { status: 426 } });
 * ```
 *
 * @category Testing
 */
export class TestWebSocketRefused extends TestClientError {
  /** The app's HTTP answer to the handshake. */
  readonly response: TestResponse;

  /** @param response The app's HTTP answer to the handshake. */
  constructor(response: TestResponse) {
    super(`the app answered the WebSocket handshake with ${response.statusLine} instead of accepting it`);
    this.response = response;
    this.name = 'TestWebSocketRefused';
  }
}

/**
 * Options for `TestClient.websocket()`.
 *
 * @example
 * ```ts
 * const socket = await client.websocket('/chat', { protocols: ['chat.v1'], headers: { Origin: 'http://localhost' } });
 * ```
 *
 * @category Testing
 */
export interface TestWebSocketOptions {
  /** Subprotocols to offer (`Sec-WebSocket-Protocol`), in order of preference. */
  protocols?: readonly string[];
  /** More request headers (cookies from the jar are sent as for any request). */
  headers?: RequestHeaders;
  /** Environ keys for this request. */
  environ?: Partial<Environ>;
}

/**
 * The in-process `environ['tsgi.websocket']`.
 *
 * @example
 * ```ts
 * const upgrade = new MemoryUpgrade(['chat']);
 * environ['tsgi.websocket'] = upgrade;
 * const client = await upgrade.opened;
 * ```
 */
export class MemoryUpgrade implements WebSocketUpgrade {
  readonly protocols: readonly string[];
  /** The test's end, once the app accepted. */
  readonly opened: Promise<TestWebSocket>;
  #accepted = false;
  #open: (socket: TestWebSocket) => void = () => {};

  constructor(protocols: readonly string[]) {
    this.protocols = protocols;
    this.opened = new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  get accepted(): boolean {
    return this.#accepted;
  }

  accept(options: WebSocketAcceptOptions = {}): Promise<WebSocketConnection> {
    const problem = acceptProblem(this.protocols, options, this.#accepted);
    if (problem !== undefined) return Promise.reject(problem);
    this.#accepted = true;
    const link = new Link(options.protocol ?? '');
    this.#open(new TestWebSocket(link, 0));
    return Promise.resolve(new MemoryEnd(link, 1));
  }
}
