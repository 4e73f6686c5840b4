/**
 * The validator's checks of the `tsgi.websocket` extension, on both sides:
 * the shape of what the server offers and gives, and the app's use of it
 * (one accept, no response of its own after it).
 *
 * @module
 */
import type { Body, StartResponse } from '../types.js';
import { WEBSOCKET_KEY, type WebSocketAcceptOptions, type WebSocketConnection, type WebSocketUpgrade } from '../websocket.js';
import { chunkLength } from '../body.js';
import { describe } from './describe.js';
import type { RequestTracker } from './tracker.js';
import { ValidationError } from './validation-error.js';

function apiError(text: string): ValidationError {
  return new ValidationError('websocket-api', text);
}

/**
 * Checks the server's `tsgi.websocket`, when present, and puts a checking
 * wrapper in its place; returns the startResponse the app is to be given,
 * which refuses a call after accept.
 *
 * @throws {@link ValidationError} `websocket-api` for an extension object of the wrong shape.
 * @example
 * ```ts
 * const start = watchWebSocket(tracker, validatedStartResponse(startResponse, tracker));
 * ```
 */
export function watchWebSocket(tracker: RequestTracker, startResponse: StartResponse): StartResponse {
  const environ = tracker.environ;
  const offered: unknown = environ[WEBSOCKET_KEY];
  if (offered === undefined) return startResponse;
  const upgrade = offered as Partial<WebSocketUpgrade> | null;
  if (
    typeof upgrade !== 'object' ||
    upgrade === null ||
    typeof upgrade.accept !== 'function' ||
    !Array.isArray(upgrade.protocols) ||
    typeof upgrade.accepted !== 'boolean'
  ) {
    throw apiError(`tsgi.websocket must have accept(), a protocols array and a boolean accepted, got ${describe(offered)}`);
  }
  const inner = upgrade as WebSocketUpgrade;
  const refuse = (error: ValidationError): Promise<never> => {
    // The app may swallow a rejected accept; the report is still made.
    tracker.report(error);
    return Promise.reject(error);
  };
  environ[WEBSOCKET_KEY] = {
    protocols: inner.protocols,
    get accepted(): boolean {
      return inner.accepted;
    },
    accept(options?: WebSocketAcceptOptions): Promise<WebSocketConnection> {
      if (tracker.webSocketAccepted) return refuse(new ValidationError('websocket-accept-twice', 'accept() was called a second time for one handshake'));
      if (tracker.started) {
        return refuse(new ValidationError('websocket-start-response', 'accept() was called after startResponse; accept first, or answer with HTTP only'));
      }
      tracker.webSocketAccepted = true;
      return inner.accept(options).then(checkedConnection);
    },
  } satisfies WebSocketUpgrade;
  return (status, headers, excInfo) => {
    if (tracker.webSocketAccepted) {
      const error = new ValidationError('websocket-start-response', `startResponse(${JSON.stringify(status)}) was called after accept(); the connection is the WebSocket's now`);
      tracker.report(error);
      throw error;
    }
    return startResponse(status, headers, excInfo);
  };
}

function checkedConnection(connection: WebSocketConnection): WebSocketConnection {
  const socket = connection as Partial<WebSocketConnection> | null;
  if (
    typeof socket !== 'object' ||
    socket === null ||
    typeof socket.send !== 'function' ||
    typeof socket.close !== 'function' ||
    typeof socket.protocol !== 'string' ||
    typeof (socket.closed as Partial<Promise<unknown>> | undefined)?.then !== 'function' ||
    typeof (socket as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== 'function'
  ) {
    throw apiError(`accept() must resolve to a connection with send(), close(), closed, a string protocol and Symbol.asyncIterator, got ${describe(connection)}`);
  }
  return connection;
}

/**
 * Checks the body an app returned after accepting: an array must hold no
 * non-empty chunk (an iterator is closed unread by the host, and checked
 * chunk by chunk if one pulls it).
 *
 * @throws {@link ValidationError} `websocket-body` for a non-empty one.
 * @example
 * ```ts
 * checkAcceptedBody(tracker, body);
 * ```
 */
export function checkAcceptedBody(tracker: RequestTracker, body: Body): void {
  if (!tracker.webSocketAccepted || !Array.isArray(body)) return;
  const bytes = (body as unknown[]).reduce<number>((total, chunk) => total + (typeof chunk === 'string' || chunk instanceof Uint8Array ? chunkLength(chunk) : 0), 0);
  if (bytes > 0) throw bodyError(bytes);
}

/**
 * The violation of a body that sends bytes after accept.
 *
 * @example
 * ```ts
 * throw bodyError(5);
 * ```
 */
export function bodyError(bytes: number): ValidationError {
  return new ValidationError('websocket-body', `the app accepted the WebSocket but returned a body of ${bytes} bytes; return [] once accepted`);
}
