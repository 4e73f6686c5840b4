/**
 * Pulling a request body from Node's `IncomingMessage`, chunk by chunk.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { ClientGoneError } from './client-abort.js';

type Result = IteratorResult<Uint8Array, undefined>;

const DONE: Result = Object.freeze({ done: true, value: undefined });
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * An async iterator over a request body that reads the request in paused
 * mode, so the socket is read only as fast as the app asks (backpressure),
 * and that fails when the client goes away before the body is complete.
 *
 * Node's own `req[Symbol.asyncIterator]()` does the same through an async
 * generator and `finished()`, which costs several promises and listeners per
 * request; a body that already arrived is here handed over at once.
 *
 * @example
 * ```ts
 * const chunks = new RequestChunks(req);
 * for (let r = await chunks.next(); r.done !== true; r = await chunks.next()) use(r.value);
 * ```
 */
export class RequestChunks implements AsyncIterator<Uint8Array, undefined> {
  readonly #req: IncomingMessage;
  #listening = false;
  #finished = false;
  #failure: unknown = undefined;
  #resolve: ((result: Result) => void) | undefined = undefined;
  #reject: ((error: unknown) => void) | undefined = undefined;
  readonly #wake = (): void => this.#settle();
  readonly #retry = (): void => {
    this.#settle();
    if (this.#resolve !== undefined) this.#listen();
  };
  readonly #onError = (error: unknown): void => {
    this.#failure ??= error;
    this.#settle();
  };

  /** The declared Content-Length, or -1 for a chunked body. */
  readonly #declared: number;
  #received = 0;

  /** @param req The request whose body to read. */
  constructor(req: IncomingMessage) {
    this.#req = req;
    const length = req.headers['content-length'];
    this.#declared = length === undefined ? -1 : Number(length);
  }

  /**
   * Whether the app has been given the whole body: every declared byte, or
   * the end of a chunked one. Node marks the request complete a little later.
   */
  get whole(): boolean {
    return (this.#declared >= 0 && this.#received >= this.#declared) || this.#req.complete;
  }

  next(): Promise<Result> {
    const result = this.#poll();
    if (result === undefined) {
      return new Promise<Result>((resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
        if (this.#listening) return;
        // An app often asks while Node is still parsing the headers, and the
        // parser pushes the body later in that same pass: look again once it
        // is done, and pay for listeners only when the body is still to come.
        // A resolved promise's then(), not queueMicrotask: Node wraps each
        // queueMicrotask callback in an async resource, several times dearer.
        void RESOLVED.then(this.#retry);
      });
    }
    return result instanceof Failure ? Promise.reject(result.error) : Promise.resolve(result);
  }

  /** Stops listening; the body's remaining bytes are left to the server. */
  return(): Promise<Result> {
    this.#finish();
    return Promise.resolve(DONE);
  }

  /** A chunk, the end, a failure, or `undefined` when the app must wait. */
  #poll(): Result | Failure | undefined {
    if (this.#finished) return DONE;
    if (this.#failure !== undefined) return this.#fail(this.#failure);
    const req = this.#req;
    // Node parsed the length it checked: once that many bytes came, the
    // body is over, without waiting for its end to be signalled.
    if (this.#declared >= 0 && this.#received >= this.#declared) {
      this.#finish();
      return DONE;
    }
    const chunk = req.read() as Uint8Array | null;
    if (chunk !== null) {
      this.#received += chunk.length;
      return { done: false, value: chunk };
    }
    // `complete` is set once the parser has pushed the whole body, so an
    // empty buffer then means the end, without waiting a tick for 'end'.
    if (req.readableEnded || (req.complete && req.readableLength === 0)) {
      this.#finish();
      return DONE;
    }
    if (req.errored !== null && req.errored !== undefined) return this.#fail(req.errored);
    if (req.destroyed) return this.#fail(new ClientGoneError('the client disconnected before the request body was complete'));
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
    this.#finish();
    this.#finished = false;
    this.#failure = error;
    return new Failure(error);
  }

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    const req = this.#req;
    // 'readable' fires for the end of the body too, so 'end' needs no listener.
    req.on('readable', this.#wake);
    req.on('close', this.#wake);
    req.on('error', this.#onError);
  }

  #finish(): void {
    this.#finished = true;
    if (!this.#listening) return;
    this.#listening = false;
    const req = this.#req;
    req.off('readable', this.#wake);
    req.off('close', this.#wake);
    req.off('error', this.#onError);
  }
}

class Failure {
  constructor(readonly error: unknown) {}
}
