/**
 * The synchronous fast path of a handler's body: a method that returns its
 * whole body synchronously is answered without a generator or an await.
 *
 * @module
 */
import type { Chunk } from '../gateway/types.js';
import type { ClassPlan } from './plan.js';
import { isWhole, respond } from './respond.js';
import { dispatchRequest } from './request-dispatch.js';
import { answerError, sendWhole, type HandlerResponse } from './response-assembly.js';

const DONE: IteratorResult<Chunk> = Object.freeze({ done: true, value: undefined });

/**
 * The handler's body iterator when a method may answer synchronously: a
 * small object rather than an async generator, so a whole body returned at
 * once costs no promise hops beyond the one `next()` must return. Anything
 * else continues in {@link respond}.
 */
export class FastPathIterator implements AsyncIterator<Chunk> {
  readonly #handler: HandlerResponse;
  readonly #plan: ClassPlan;
  #slow: AsyncGenerator<Chunk, void, undefined> | undefined;
  #pending: Chunk | undefined;
  #started = false;

  constructor(handler: HandlerResponse, plan: ClassPlan) {
    this.#handler = handler;
    this.#plan = plan;
  }

  next(): Promise<IteratorResult<Chunk>> {
    if (this.#slow !== undefined) return this.#slow.next();
    if (!this.#started) {
      this.#started = true;
      let step: Chunk | undefined | AsyncGenerator<Chunk, void, undefined>;
      try {
        step = this.#firstStep();
      } catch (error) {
        // Not an HttpError, or one after the headers went out: the host's.
        return Promise.reject(error);
      }
      if (typeof step === 'object' && !(step instanceof Uint8Array)) {
        this.#slow = step;
        return step.next();
      }
      this.#pending = step;
    }
    const chunk = this.#pending;
    this.#pending = undefined;
    return Promise.resolve(chunk === undefined ? DONE : { value: chunk, done: false });
  }

  return(): Promise<IteratorResult<Chunk>> {
    if (this.#slow !== undefined) return this.#slow.return(undefined);
    this.#started = true;
    this.#pending = undefined;
    return Promise.resolve(DONE);
  }

  /**
   * Dispatches and, when the method returned its whole body, starts the
   * response: the chunk to send (or `undefined`). For anything else, the
   * generator that finishes the request.
   */
  #firstStep(): Chunk | undefined | AsyncGenerator<Chunk, void, undefined> {
    const handler = this.#handler;
    const isHead = handler.environ.REQUEST_METHOD === 'HEAD';
    try {
      const result = dispatchRequest(handler, this.#plan);
      if (!isWhole(result)) return respond(handler, this.#plan, result);
      return sendWhole(handler, result ?? '', isHead);
    } catch (error) {
      return answerError(handler, error, isHead);
    }
  }
}
