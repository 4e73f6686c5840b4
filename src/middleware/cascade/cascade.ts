/**
 * Trying several apps in turn until one has an answer.
 *
 * @module
 */
import { toApp } from '../../gateway/app.js';
import { openBody, type BodyReader } from '../../gateway/body.js';
import { ChunkInput } from '../../gateway/input.js';
import { checkHeaders, checkStatus, GatewayError } from '../../gateway/spec.js';
import type { App, AppLike, Body, Chunk, Environ, InputStream, ResponseHeaders, StartResponse, Write } from '../../gateway/types.js';

/**
 * Options for {@link cascade}.
 *
 * @example
 * ```ts
 * const options: CascadeOptions = { catch: [404, 405] };
 * ```
 */
export interface CascadeOptions {
  /** Statuses that mean "try the next app". Default `[404]`. */
  catch?: readonly number[];
  /**
   * Read request bodies of up to this many bytes (by `Content-Length`) into
   * memory first, so that every app can read the body in full. Larger
   * bodies, and bodies of unknown length, are not buffered. Default 0: no
   * buffering.
   */
  bufferBody?: number;
}

/**
 * Calls each app in turn and sends the first answer whose status is not
 * caught (by default, the first that is not 404). The last app's answer is
 * sent whatever it is. A losing answer is discarded unsent, and its body's
 * `return()` is called so the app can release what it held; anything it
 * wrote with `write()` is dropped. Each app sees the environ as it arrived,
 * even if an earlier one changed it (as `urlMap` does).
 *
 * For an app that calls `startResponse` only inside its body (a generator or
 * a `BaseHandler`), the first chunk is pulled to learn the status; that chunk
 * is then sent first if the app wins.
 *
 * The request body (`tsgi.input`) can be read only once: an app that reads
 * it and then answers 404 leaves nothing for the next. Put apps that read
 * request bodies last, and let earlier ones decide from the method and path
 * alone, as `staticFiles` does; or set `bufferBody` so that bodies up to
 * that size are read into memory and replayed to each app.
 *
 * @throws TypeError when `apps` is empty.
 * @example
 * ```ts
 * // Files from ./public when they exist, the app otherwise.
 * const site = cascade([staticFiles('./public'), app]);
 * ```
 */
export function cascade(apps: readonly AppLike[], options: CascadeOptions = {}): App {
  if (apps.length === 0) throw new TypeError('cascade needs at least one app');
  const chain = apps.map((app) => toApp(app));
  const caught = new Set(options.catch ?? [404]);
  const last = chain.length - 1;

  const bufferLimit = options.bufferBody ?? 0;

  return async function cascaded(environ: Environ, startResponse: StartResponse): Promise<Body> {
    const length = environ.CONTENT_LENGTH === undefined ? undefined : Number(environ.CONTENT_LENGTH);
    const buffered =
      last > 0 && length !== undefined && length > 0 && length <= bufferLimit ? await environ['tsgi.input'].read() : undefined;
    const original = { ...environ };
    for (let i = 0; i < last; i++) {
      if (i > 0) restore(environ, original);
      if (buffered !== undefined) environ['tsgi.input'] = replay(buffered);
      const attempt = new Attempt(startResponse, caught);
      const answer = await attempt.run(chain[i]!, environ);
      if (answer !== undefined) return answer;
    }
    if (last > 0) restore(environ, original);
    if (buffered !== undefined) environ['tsgi.input'] = replay(buffered);
    return chain[last]!(environ, startResponse);
  };
}

/** A fresh input stream over bytes already read. */
function replay(bytes: Uint8Array): InputStream {
  return new ChunkInput(async function* () {
    if (bytes.length > 0) yield bytes;
  });
}

function restore(environ: Environ, original: Environ): void {
  for (const key of Object.keys(environ)) if (!(key in original)) delete environ[key];
  Object.assign(environ, original);
}

/** One app's try: its startResponse is held back until its status is known. */
class Attempt {
  readonly #startResponse: StartResponse;
  readonly #caught: ReadonlySet<number>;
  #head: { status: string; headers: ResponseHeaders; excInfo: unknown } | undefined;
  #write: Write | undefined;
  #lost = false;

  constructor(startResponse: StartResponse, caught: ReadonlySet<number>) {
    this.#startResponse = startResponse;
    this.#caught = caught;
  }

  /** Runs the app; resolves to its body if it wins, `undefined` if its answer was caught. */
  async run(app: App, environ: Environ): Promise<Body | undefined> {
    const body = await app(environ, this.#appStartResponse);
    if (this.#head !== undefined) return this.#settle() ? body : this.#discard(openBody(body));
    // The status is only known once the body starts.
    const reader = openBody(body);
    let first: IteratorResult<Chunk>;
    try {
      first = await reader.next();
    } catch (error) {
      await reader.close();
      throw error;
    }
    if (this.#head !== undefined && !this.#settle()) return this.#discard(reader);
    return new ReplayBody(reader, first);
  }

  async #discard(reader: BodyReader): Promise<undefined> {
    const failure = await reader.close();
    if (failure !== undefined) throw failure;
    return undefined;
  }

  /** Decides once the status is known: true to send this answer, false to drop it. */
  #settle(): boolean {
    if (this.#write !== undefined) return true;
    if (this.#lost) return false;
    const { status, headers, excInfo } = this.#head!;
    if (this.#caught.has(Number(status.slice(0, 3)))) {
      this.#lost = true;
      return false;
    }
    this.#write = excInfo === undefined ? this.#startResponse(status, headers) : this.#startResponse(status, headers, excInfo);
    return true;
  }

  readonly #appStartResponse: StartResponse = (status, headers, excInfo) => {
    checkStatus(status);
    checkHeaders(headers);
    if (this.#write !== undefined) {
      this.#write = this.#startResponse(status, headers, excInfo);
    } else if (this.#head !== undefined && excInfo === undefined) {
      throw new GatewayError('start-response-twice', 'startResponse was called a second time without excInfo');
    } else {
      this.#head = { status, headers, excInfo };
    }
    return this.#appWrite;
  };

  readonly #appWrite: Write = async (chunk) => {
    if (!this.#settle()) return;
    await this.#write!(chunk);
  };
}

/** Sends the chunk already pulled, then the rest. */
class ReplayBody implements AsyncIterable<Chunk>, AsyncIterator<Chunk> {
  readonly #reader: BodyReader;
  #first: IteratorResult<Chunk> | undefined;

  constructor(reader: BodyReader, first: IteratorResult<Chunk>) {
    this.#reader = reader;
    this.#first = first;
  }

  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    return this;
  }

  async next(): Promise<IteratorResult<Chunk>> {
    const first = this.#first;
    if (first !== undefined) {
      this.#first = undefined;
      return first;
    }
    return this.#reader.next();
  }

  async return(): Promise<IteratorResult<Chunk>> {
    const failure = await this.#reader.close();
    if (failure !== undefined) throw failure;
    return { done: true, value: undefined };
  }
}
