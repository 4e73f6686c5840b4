/**
 * Answering a request at the app call, when a handler's method may return
 * its whole body synchronously: the body is then an array, sent without a
 * generator, an await or an async iteration.
 *
 * @module
 */
import type { Body } from '../gateway/types.js';
import type { ClassPlan } from './plan.js';
import { isWhole, respond } from './respond.js';
import { dispatchRequest } from './request-dispatch.js';
import { answerError, sendWhole, type HandlerResponse } from './response-assembly.js';

const NOTHING: readonly [] = Object.freeze([]) as readonly [];

/**
 * Dispatches now. A whole body (text, bytes or nothing) starts the response
 * and comes back as an array of its one chunk; anything else continues in
 * {@link respond}, whose generator is the body. An error that is not an
 * HttpError is thrown, as from any app: the host answers it.
 */
export function answerNow(handler: HandlerResponse, plan: ClassPlan): Body {
  const isHead = handler.environ.REQUEST_METHOD === 'HEAD';
  let chunk;
  try {
    const result = dispatchRequest(handler, plan);
    if (!isWhole(result)) return respond(handler, plan, result);
    chunk = sendWhole(handler, result ?? '', isHead);
  } catch (error) {
    chunk = answerError(handler, error, isHead);
  }
  return chunk === undefined ? (NOTHING as Body) : [chunk];
}
