/**
 * The body iterator of a handler instance.
 *
 * @module
 */
import type { Chunk } from '../gateway/types.js';

/** The handler's first step: the chunk to send (or none), or the generator that finishes the request. */
export type FirstStep<H, P> = (handler: H, plan: P) => Chunk | undefined | AsyncGenerator<Chunk, void, undefined>;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The handler's body iterator: a small object rather than an async
 * generator, so a method that returns its whole body synchronously is
 * answered without the generator's promise hops; anything else continues in
 * the handler's generator.
 */
export class HandlerIterator<H, P> implements AsyncIterator<Chunk> {
  readonly #handler: H;
  readonly #plan: P;
  readonly #firstStep: FirstStep<H, P>;
  #slow: AsyncGenerator<Chunk, void, undefined> | undefined;
  #pending: Chunk | undefined;
  #started = false;

  // The step is a function shared by every request, passed in rather than
  // closed over, so an iterator costs one small object.
  constructor(handler: H, plan: P, firstStep: FirstStep<H, P>) {
    this.#handler = handler;
    this.#plan = plan;
    this.#firstStep = firstStep;
  }

  next(): Promise<IteratorResult<Chunk>> {
    if (this.#slow !== undefined) return this.#slow.next();
    if (!this.#started) {
      this.#started = true;
      let step: ReturnType<FirstStep<H, P>>;
      try {
        step = this.#firstStep(this.#handler, this.#plan);
      } catch (late) {
        // An error after the headers went out: the server aborts the connection.
        return Promise.reject(late);
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
}
