/**
 * The general path of a handler's response: awaiting the method's result,
 * then sending it whole, streaming it, or answering the HttpError it threw.
 *
 * @module
 */
import { isBody, openBody } from '../gateway/body.js';
import { isThenable } from '../gateway/thenable.js';
import type { Chunk } from '../gateway/types.js';
import type { ClassPlan } from './plan.js';
import { dispatchRequest } from './request-dispatch.js';
import { webSocketAccepted } from './websocket.js';
import { answerError, sendWhole, startStream, type HandlerResponse } from './response-assembly.js';

/** Tells {@link respond} that the method is still to be called. */
export const UNDISPATCHED: unique symbol = Symbol('undispatched');

/**
 * The body of the response: dispatches unless `dispatched` already holds
 * the method's result, then yields what is to be sent. An error that is not
 * an HttpError, or one after the headers went out, makes `next()` reject.
 */
// One generator with plain helpers, rather than nested generators: every
// `yield*` level costs promise hops on each request.
export async function* respond(handler: HandlerResponse, plan: ClassPlan, dispatched: unknown): AsyncGenerator<Chunk, void, undefined> {
  const isHead = handler.environ.REQUEST_METHOD === 'HEAD';
  let chunk: Chunk | undefined;
  let stream: Iterable<Chunk> | AsyncIterable<Chunk> | undefined;
  let discard: Iterable<Chunk> | AsyncIterable<Chunk> | undefined;
  try {
    let result = dispatched === UNDISPATCHED ? dispatchRequest(handler, plan) : dispatched;
    if (isThenable(result)) result = await result;
    // After accept the socket is the WebSocket's: no status, no body.
    if (webSocketAccepted(handler)) return;
    if (isWhole(result)) {
      chunk = sendWhole(handler, result ?? '', isHead);
    } else if (isBody(result)) {
      if (startStream(handler, isHead)) stream = result;
      else discard = result;
    } else {
      throw new TypeError(`handler returned ${typeof result}; return a string, bytes, an iterable of chunks or nothing`);
    }
  } catch (error) {
    if (webSocketAccepted(handler)) throw error;
    chunk = answerError(handler, error, isHead);
  }
  if (discard !== undefined) await openBody(discard).close();
  else if (stream !== undefined) yield* stream;
  else if (chunk !== undefined) yield chunk;
}

/**
 * The body of a response to an error found before dispatch (a class its
 * decorators cannot describe): its page if it is an HttpError, else a
 * rejected `next()`.
 */
export async function* refuse(handler: HandlerResponse, error: unknown): AsyncGenerator<Chunk, void, undefined> {
  const chunk = answerError(handler, error, handler.environ.REQUEST_METHOD === 'HEAD');
  if (chunk !== undefined) yield chunk;
}

/** Whether a method's result is its whole body: text, bytes, or nothing. */
export function isWhole(value: unknown): value is string | Uint8Array | null | undefined {
  return typeof value === 'string' || value instanceof Uint8Array || value === undefined || value === null;
}
