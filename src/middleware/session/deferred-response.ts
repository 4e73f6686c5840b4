/**
 * Holding back an app's `startResponse` until its first output, so that a
 * header decided late (the session cookie) still makes it in.
 *
 * @module
 */
import { checkHeaders, checkStatus, GatewayError, statusAllowsBody } from '../../gateway/spec.js';
import type { Chunk, ResponseHeaders, StartResponse, Write } from '../../gateway/types.js';

/**
 * Stands between an app and the real `startResponse`. The app's call is
 * checked at once, as the gateway requires, but passed on only by
 * {@link DeferredResponse.flush}: before the first non-empty chunk, on the
 * first `write()`, or when the body ends. Headers go out with the first
 * output anyway, so holding them back changes nothing on the wire and lets
 * `extraHeaders` see the session as it is at that moment.
 */
export class DeferredResponse {
  readonly #real: StartResponse;
  readonly #extraHeaders: () => ResponseHeaders;
  #pending: { status: string; headers: ResponseHeaders } | undefined;
  #realWrite: Write | undefined;
  #code = 0;
  #declaredLength = -1;

  /**
   * @param real The server's (or outer middleware's) `startResponse`.
   * @param extraHeaders Called once, at flush time, for headers to append.
   */
  constructor(real: StartResponse, extraHeaders: () => ResponseHeaders) {
    this.#real = real;
    this.#extraHeaders = extraHeaders;
  }

  /** Whether the app's status and headers have been passed on. */
  get forwarded(): boolean {
    return this.#realWrite !== undefined;
  }

  /**
   * How many body bytes the server will send before it ends the response by
   * itself: the app's `Content-Length`, 0 for a status without a body, or
   * -1 when the body's end decides.
   */
  get bodyLimit(): number {
    return this.#code !== 0 && !statusAllowsBody(this.#code) ? 0 : this.#declaredLength;
  }

  /** Whether the app has called `startResponse` at all. */
  get started(): boolean {
    return this.#pending !== undefined || this.#realWrite !== undefined;
  }

  /** The `startResponse` handed to the app. */
  readonly startResponse: StartResponse = (status: string, headers: ResponseHeaders, excInfo?: unknown): Write => {
    if (this.#realWrite !== undefined) {
      // Already passed on: the real one decides whether a replacement is
      // still possible (and rethrows excInfo if it is not).
      return this.#real(status, [...headers, ...this.#extraHeaders()], excInfo);
    }
    if (this.#pending !== undefined && excInfo === undefined) {
      throw new GatewayError(
        'start-response-twice',
        'startResponse was already called; call it again only with excInfo (the caught error), before any output',
      );
    }
    this.#code = checkStatus(status);
    checkHeaders(headers);
    this.#declaredLength = declaredLength(headers);
    this.#pending = { status, headers: headers.map(([name, value]): [string, string] => [name, value]) };
    return this.write;
  };

  /** The `write` handed to the app: passes the response on first. */
  readonly write: Write = (chunk: Chunk): Promise<void> => {
    this.flush();
    return this.#realWrite!(chunk);
  };

  /** Passes the app's status and headers on, with the extra headers, once. */
  flush(): void {
    if (this.#realWrite !== undefined || this.#pending === undefined) return;
    const { status, headers } = this.#pending;
    this.#pending = undefined;
    this.#realWrite = this.#real(status, [...headers, ...this.#extraHeaders()]);
  }

  /**
   * Sends `status` and `headers` instead of whatever the app passed, when
   * nothing has been passed on yet. Returns false when it is too late.
   */
  replace(status: string, headers: ResponseHeaders): boolean {
    if (this.#realWrite !== undefined) return false;
    this.#pending = undefined;
    this.#realWrite = this.#real(status, headers);
    return true;
  }
}

/**
 * Whether a chunk carries bytes (an empty one does not start the response).
 * Non-chunks count as output so that the server, not this layer, rejects them.
 *
 * @example
 * ```ts
 * hasBytes(''); // false
 * ```
 */
export function hasBytes(chunk: unknown): boolean {
  if (typeof chunk === 'string') return chunk.length > 0;
  if (chunk instanceof Uint8Array) return chunk.byteLength > 0;
  return true;
}

function declaredLength(headers: ResponseHeaders): number {
  for (const [name, value] of headers) {
    if (name.length === 14 && name.toLowerCase() === 'content-length' && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  }
  return -1;
}
