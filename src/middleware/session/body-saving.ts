/**
 * The body hooks that save the session as the app's body goes by.
 *
 * @module
 */
import { chunkLength } from '../../gateway/body.js';
import type { BodyHooks, BodyOutcome } from '../../gateway/response/body-proxy.js';
import type { Chunk } from '../../gateway/types.js';
import type { SessionExchange } from './exchange.js';

/**
 * Saves the session before the last chunk the server will send, at the
 * body's end (after the app's iterator is closed), or when the server closes
 * the body early; in every case before the body reports its end to the
 * server. A body that fails saves nothing: the app's session changes are
 * discarded. The head is released with the first non-empty chunk, which is
 * when it goes out anyway.
 */
export class SessionSaving implements BodyHooks {
  readonly #exchange: SessionExchange;
  readonly #isHead: boolean;
  #saved = false;
  /** Whether a 503 or 500 of this layer replaced the app's response. */
  #replaced = false;
  #sent = 0;

  constructor(exchange: SessionExchange, isHead: boolean) {
    this.#exchange = exchange;
    this.#isHead = isHead;
  }

  async chunk(chunk: Chunk): Promise<Chunk | readonly Chunk[]> {
    if (this.#replaced) return [];
    if (this.#saved || !hasBytes(chunk)) return chunk;
    if (!this.#isLast(chunk)) return this.#instead(this.#exchange.release()) ?? chunk;
    // The server ends the response with this chunk and pulls no more, so
    // this is the last moment to save before the visitor can see it.
    this.#saved = true;
    return this.#instead(await this.#exchange.commit()) ?? chunk;
  }

  async flush(): Promise<readonly Chunk[] | undefined> {
    if (this.#saved) return undefined;
    this.#saved = true;
    return this.#instead(await this.#exchange.commit());
  }

  async end(outcome: BodyOutcome): Promise<void> {
    if (this.#saved || outcome === 'error') return;
    // Closed early (the client went away, or a HEAD or 204 needs no body):
    // the app is done with the session all the same.
    this.#saved = true;
    await this.#exchange.commit(true);
  }

  #instead(replacement: Chunk[] | undefined): Chunk[] | undefined {
    if (replacement !== undefined) this.#replaced = true;
    return replacement;
  }

  /**
   * Whether the server will end the response once it has `chunk`: the
   * declared Content-Length is reached, or the request or status allows no
   * body at all.
   */
  #isLast(chunk: Chunk): boolean {
    const head = this.#exchange.response.head;
    const limit = head === undefined ? (this.#isHead ? 0 : -1) : head.bodyLimit;
    if (limit < 0) return false;
    this.#sent += chunkLength(chunk);
    return this.#sent >= limit;
  }
}

/** Whether a chunk carries bytes; anything else counts, so that the server refuses it. */
function hasBytes(chunk: unknown): boolean {
  if (typeof chunk === 'string') return chunk.length > 0;
  if (chunk instanceof Uint8Array) return chunk.byteLength > 0;
  return true;
}
