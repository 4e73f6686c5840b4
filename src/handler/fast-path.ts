/**
 * Answering a request at the app call: the method runs at once, and a body
 * it returns whole (text, bytes or nothing), now or through a promise, is
 * sent as an array, without a generator or an async iteration.
 *
 * @module
 */
import type { Body, Chunk } from '../gateway/types.js';
import type { ClassPlan } from './plan.js';
import { isThenable } from '../gateway/thenable.js';
import { isWhole, respond } from './respond.js';
import { dispatchRequest } from './request-dispatch.js';
import { webSocketAccepted } from './websocket.js';
import { answerError, sendWhole, type HandlerResponse } from './response-assembly.js';

const NOTHING: readonly [] = Object.freeze([]) as readonly [];

/**
 * Dispatches now. A whole body starts the response and comes back as an
 * array of its one chunk, or a promise of it when the method is async;
 * anything else continues in {@link respond}, whose generator is the body.
 * An error that is not an HttpError is thrown (or rejects), as from any
 * app: the host answers it.
 */
export function answerNow(handler: HandlerResponse, plan: ClassPlan): Body | Promise<Body> {
  let result: unknown;
  try {
    result = dispatchRequest(handler, plan);
  } catch (error) {
    return failed(handler, error);
  }
  if (!isThenable(result)) return settled(handler, plan, result);
  return Promise.resolve(result).then(
    (value) => settled(handler, plan, value),
    (error: unknown) => failed(handler, error),
  );
}

function settled(handler: HandlerResponse, plan: ClassPlan, result: unknown): Body {
  // After accept the socket is the WebSocket's: no status, no body.
  if (webSocketAccepted(handler)) return NOTHING as Body;
  if (!isWhole(result)) return respond(handler, plan, result);
  try {
    return bodyOf(sendWhole(handler, result ?? '', handler.environ.REQUEST_METHOD === 'HEAD'));
  } catch (error) {
    return failed(handler, error);
  }
}

function failed(handler: HandlerResponse, error: unknown): Body {
  if (webSocketAccepted(handler)) throw error;
  return bodyOf(answerError(handler, error, handler.environ.REQUEST_METHOD === 'HEAD'));
}

function bodyOf(chunk: Chunk | undefined): Body {
  return chunk === undefined ? (NOTHING as Body) : [chunk];
}
