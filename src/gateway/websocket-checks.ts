/**
 * The checks every host of `tsgi.websocket` makes on the app's calls, so
 * that an app is refused alike on the server and under `TestClient`.
 *
 * @module
 */
import { checkHeaders } from './spec.js';
import type { WebSocketAcceptOptions } from './websocket.js';

/**
 * Why `accept(options)` cannot go ahead, or `undefined` when it can: a
 * second call, a subprotocol the client did not offer, or bad headers.
 *
 * @example
 * ```ts
 * const problem = acceptProblem(['chat'], { protocol: 'chat' }, false); // undefined
 * if (problem !== undefined) return Promise.reject(problem);
 * ```
 */
export function acceptProblem(protocols: readonly string[], options: WebSocketAcceptOptions, accepted: boolean): Error | undefined {
  if (accepted) return new Error('accept() was already called for this handshake');
  const protocol = options.protocol;
  if (protocol !== undefined && !protocols.includes(protocol)) {
    return new RangeError(`accept({ protocol: ${JSON.stringify(protocol)} }) names a subprotocol the client did not offer (it offered ${JSON.stringify(protocols)})`);
  }
  try {
    checkHeaders(options.headers ?? []);
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

/**
 * Why `send(data)` cannot send `data`, or `undefined` when it can.
 *
 * @example
 * ```ts
 * messageProblem(42); // TypeError: send() takes a string or a Uint8Array, got number
 * ```
 */
export function messageProblem(data: unknown): Error | undefined {
  if (typeof data === 'string' || data instanceof Uint8Array) return undefined;
  return new TypeError(`send() takes a string or a Uint8Array, got ${data === null ? 'null' : typeof data}`);
}

/**
 * Whether an endpoint may send `code` in a close frame (RFC 6455 §7.4, with
 * 1012–1014 from the IANA registry; 1004–1006 and 1015 are reserved).
 *
 * @example
 * ```ts
 * closeCodeAllowed(1000); // true
 * closeCodeAllowed(1006); // false
 * ```
 */
export function closeCodeAllowed(code: number): boolean {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999));
}

/**
 * What a `send` on a closed connection rejects with.
 *
 * @example
 * ```ts
 * if (closed) return Promise.reject(new Error(CLOSED_SEND));
 * ```
 */
export const CLOSED_SEND = 'the WebSocket is closed; nothing can be sent';
