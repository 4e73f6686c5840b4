/**
 * Trying several apps in turn until one has an answer.
 *
 * @module
 */
import { toApp } from '../../gateway/app.js';
import { ChunkInput } from '../../gateway/input.js';
import { closeBody, proxyBody } from '../../gateway/response/body-proxy.js';
import { HeldResponse } from '../../gateway/response/start.js';
import type { App, AppLike, Body, Chunk, Environ, InputStream, StartResponse, Write } from '../../gateway/types.js';

/**
 * Options for {@link cascade}.
 *
 * @example
 * ```ts
 * const options: CascadeOptions = { catch: [404, 405] };
 * ```
 *
 * @category Middleware
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
 *
 * @category Middleware
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
      const attempt = new Attempt(startResponse, caught, environ.REQUEST_METHOD === 'HEAD');
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

/** One app's try: its head is held back until its status is known. */
class Attempt {
  readonly #held: HeldResponse;
  readonly #caught: ReadonlySet<number>;
  #lost = false;

  constructor(startResponse: StartResponse, caught: ReadonlySet<number>, isHead: boolean) {
    this.#held = new HeldResponse(startResponse, isHead);
    this.#caught = caught;
  }

  /** Runs the app; resolves to its body if it wins, `undefined` if its answer was caught. */
  async run(app: App, environ: Environ): Promise<Body | undefined> {
    const body = await app(environ, this.#appStartResponse);
    if (this.#held.head !== undefined) return this.#settle() ? body : this.#discard(body);
    // The status is only known once the body starts: pull its first chunk
    // through a proxy, which keeps the one iterator and its single return().
    const pulled = proxyBody(body, {}, { async: true }) as AsyncIterable<Chunk>;
    const iterator = pulled[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (this.#held.head !== undefined && !this.#settle()) return this.#discard(pulled);
    return first.done === true ? pulled : proxyBody(pulled, {}, { prefix: [first.value] });
  }

  async #discard(body: Body): Promise<undefined> {
    const failure = await closeBody(body);
    if (failure !== undefined) throw failure;
    return undefined;
  }

  /** Decides once the status is known: true to send this answer, false to drop it. */
  #settle(): boolean {
    if (this.#held.released) return true;
    if (this.#lost) return false;
    if (this.#caught.has(this.#held.head!.code)) {
      this.#lost = true;
      return false;
    }
    this.#held.release();
    return true;
  }

  readonly #appStartResponse: StartResponse = (status, headers, excInfo) => {
    this.#held.startResponse(status, headers, excInfo);
    return this.#appWrite;
  };

  /** A losing answer's output is dropped, not sent. */
  readonly #appWrite: Write = async (chunk) => {
    if (this.#settle()) await this.#held.write(chunk);
  };
}
