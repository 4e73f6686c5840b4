/**
 * Pulling a request body from an HTTP/2 stream, chunk by chunk.
 *
 * @module
 */
import type { ServerHttp2Stream } from 'node:http2';
import { ClientGoneError } from '../client-abort.js';

type Result = IteratorResult<Uint8Array, undefined>;

const DONE: Result = Object.freeze({ done: true, value: undefined });

/**
 * An async iterator over the DATA frames of one HTTP/2 request, read in
 * paused mode: Node stops granting the client flow-control window while
 * chunks wait unread, so the client sends only as fast as the app reads.
 * It fails when the client resets the stream before the body's end.
 *
 * @example
 * ```ts
 * const body = new StreamBody(stream);
 * for (let r = await body.next(); r.done !== true; r = await body.next()) use(r.value);
 * ```
 */
export class StreamBody implements AsyncIterator<Uint8Array, undefined> {
  readonly #stream: ServerHttp2Stream;
  #listening = false;
  #finished = false;
  #failure: unknown = undefined;
  #resolve: ((result: Result) => void) | undefined = undefined;
  #reject: ((error: unknown) => void) | undefined = undefined;
  readonly #wake = (): void => this.#settle();

  /** @param stream The request's stream. */
  constructor(stream: ServerHttp2Stream) {
    this.#stream = stream;
  }

  /** Whether the client has sent the body's end (END_STREAM). */
  get whole(): boolean {
    return this.#stream.readableEnded || this.#finished;
  }

  /**
   * Fails the reads still waiting and every later one with `error`: the
   * server answered in the app's place (408), so no more body will come.
   */
  fail(error: unknown): void {
    this.#failure ??= error;
    this.#settle();
  }

  next(): Promise<Result> {
    const result = this.#poll();
    if (result !== undefined) return result instanceof Failure ? Promise.reject(result.error) : Promise.resolve(result);
    return new Promise<Result>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      this.#listen();
    });
  }

  /** Stops listening; what the client still sends is the server's to discard. */
  return(): Promise<Result> {
    this.#finish();
    return Promise.resolve(DONE);
  }

  #poll(): Result | Failure | undefined {
    if (this.#failure !== undefined) return this.#fail(this.#failure);
    if (this.#finished) return DONE;
    const stream = this.#stream;
    const chunk = stream.read() as Uint8Array | null;
    if (chunk !== null) return { done: false, value: chunk };
    if (stream.readableEnded) {
      this.#finish();
      return DONE;
    }
    if (stream.destroyed || stream.closed || (stream.errored !== null && stream.errored !== undefined)) {
      // A reset is the client going away, whatever code it gave.
      return this.#fail(
        new ClientGoneError('the client reset the stream before the request body was complete', { cause: stream.errored ?? undefined }),
      );
    }
    return undefined;
  }

  #settle(): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (resolve === undefined || reject === undefined) return;
    const result = this.#poll();
    if (result === undefined) return;
    this.#resolve = undefined;
    this.#reject = undefined;
    if (result instanceof Failure) reject(result.error);
    else resolve(result);
  }

  #fail(error: unknown): Failure {
    this.#unlisten();
    this.#failure = error;
    return new Failure(error);
  }

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    const stream = this.#stream;
    // 'end' follows the read that found the buffer empty at the body's end.
    stream.on('readable', this.#wake);
    stream.on('end', this.#wake);
    stream.on('close', this.#wake);
    stream.on('error', this.#wake);
  }

  #finish(): void {
    this.#finished = true;
    this.#unlisten();
  }

  #unlisten(): void {
    if (!this.#listening) return;
    this.#listening = false;
    const stream = this.#stream;
    stream.off('readable', this.#wake);
    stream.off('end', this.#wake);
    stream.off('close', this.#wake);
    stream.off('error', this.#wake);
  }
}

class Failure {
  constructor(readonly error: unknown) {}
}
