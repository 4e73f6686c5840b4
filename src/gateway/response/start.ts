/**
 * `startResponse` as a state machine: called once, or again with `excInfo`
 * to replace a head not yet committed. Hosts and the middleware that hold a
 * response back share it, so the rule reads the same everywhere.
 *
 * @module
 */
import { GatewayError } from '../spec.js';
import type { ResponseHeaders, StartResponse, Write } from '../types.js';
import { parseHead, type ResponseHead } from './head.js';

/**
 * Whether `excInfo` was given. `null` counts as absent, as Python's `None`
 * does for `exc_info`, so `startResponse(s, h, null)` is a first call.
 *
 * @example
 * ```ts
 * hasExcInfo(null);              // false
 * hasExcInfo(new Error('boom')); // true
 * ```
 *
 * @category Response lifecycle
 */
export function hasExcInfo(excInfo: unknown): boolean {
  return excInfo !== undefined && excInfo !== null;
}

/**
 * The status and headers of one response while it is being decided. Its
 * owner sets {@link ResponseStart.committed} once the head has gone where it
 * can no longer be changed; after that, a call with `excInfo` rethrows it.
 *
 * @example
 * ```ts
 * const start = new ResponseStart(false);
 * start.accept('200 OK', [['Content-Type', 'text/plain']], undefined);
 * start.accept('500 Internal Server Error', [], new Error('late')); // replaces
 * start.committed = true;
 * start.accept('500 Internal Server Error', [], new Error('later')); // rethrows
 * ```
 *
 * @category Response lifecycle
 */
export class ResponseStart {
  /** Whether the request was HEAD, which sends no body bytes. */
  readonly isHead: boolean;
  /** The head last accepted, `undefined` before the first call. */
  head: ResponseHead | undefined = undefined;
  /** Whether the head is out of reach: sent, or passed on downstream. */
  committed = false;

  constructor(isHead: boolean) {
    this.isHead = isHead;
  }

  /**
   * Checks one `startResponse` call and makes its head the current one.
   *
   * @throws `excInfo` itself when it is given and the head is committed;
   *   {@link GatewayError} `start-response-twice` for a second call without
   *   it; or the rule the status or headers break.
   */
  accept(status: string, headers: ResponseHeaders, excInfo: unknown): ResponseHead {
    if (hasExcInfo(excInfo)) {
      // Too late to change course: the status line is out of reach.
      if (this.committed) throw excInfo;
    } else if (this.head !== undefined) {
      throw new GatewayError('start-response-twice', 'startResponse was already called; pass excInfo to replace the status after an error');
    }
    const head = parseHead(status, headers, this.isHead);
    this.head = head;
    return head;
  }
}

/**
 * Turns a head into the headers to pass on: a middleware's edits (a cookie,
 * a coding) made at the moment the response is released.
 *
 * @example
 * ```ts
 * const withCookie: ReleaseHeaders = (head) => [...head.headers, ['Set-Cookie', 'sid=1']];
 * ```
 *
 * @category Response lifecycle
 */
export type ReleaseHeaders = (head: ResponseHead) => ResponseHeaders;

/**
 * A `startResponse` for middleware that decides late: the app's call is
 * checked at once, as every host checks it, but passed on to the next
 * `startResponse` only by {@link HeldResponse.release} (or the app's first
 * `write()`). Headers go out with the first output anyway, so holding them
 * back changes nothing on the wire and lets the middleware edit them, or
 * replace the whole response, until then.
 *
 * @example
 * ```ts
 * const held = new HeldResponse(startResponse, environ.REQUEST_METHOD === 'HEAD', (head) => [
 *   ...head.headers,
 *   ['X-Served-By', 'edge-1'],
 * ]);
 * const body = await app(environ, held.startResponse);
 * held.release();
 * return body;
 * ```
 *
 * @category Response lifecycle
 */
export class HeldResponse {
  readonly #next: StartResponse;
  readonly #start: ResponseStart;
  readonly #edit: ReleaseHeaders | undefined;
  #nextWrite: Write | undefined;

  /**
   * @param next The server's (or outer middleware's) `startResponse`.
   * @param isHead Whether the request was HEAD.
   * @param edit Edits the head's headers as it is passed on (also for a
   *   replacement the app makes later with `excInfo`).
   */
  constructor(next: StartResponse, isHead: boolean, edit?: ReleaseHeaders) {
    this.#next = next;
    this.#start = new ResponseStart(isHead);
    this.#edit = edit;
  }

  /** The head the app gave, `undefined` until it calls `startResponse`. */
  get head(): ResponseHead | undefined {
    return this.#start.head;
  }

  /** Whether the head has been passed on. */
  get released(): boolean {
    return this.#nextWrite !== undefined;
  }

  /** The `startResponse` handed to the app. */
  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    const head = this.#start.accept(status, headers, excInfo);
    // Passed on already: the next startResponse decides whether the
    // replacement can still be made, and rethrows excInfo if not.
    if (this.#nextWrite !== undefined) this.#nextWrite = this.#next(head.status, this.#headersOf(head), excInfo);
    return this.write;
  };

  /**
   * Passes the app's head on, edited; a no-op once released.
   *
   * @throws {@link GatewayError} `start-response-first` when the app has not
   *   called `startResponse`.
   */
  release(): Write {
    if (this.#nextWrite !== undefined) return this.#nextWrite;
    const head = this.#start.head;
    if (head === undefined) throw new GatewayError('start-response-first', 'output was produced before startResponse was called');
    // Not committed: passed on is not sent, and a later call with excInfo
    // goes to the next startResponse, which knows whether it is too late.
    this.#nextWrite = this.#next(head.status, this.#headersOf(head));
    return this.#nextWrite;
  }

  /**
   * Sends `status` and `headers` instead of the app's head, when nothing has
   * been passed on yet. Returns false when it is too late.
   */
  replace(status: string, headers: ResponseHeaders, excInfo?: unknown): boolean {
    if (this.#nextWrite !== undefined) return false;
    this.#start.committed = true;
    this.#nextWrite = hasExcInfo(excInfo) ? this.#next(status, headers, excInfo) : this.#next(status, headers);
    return true;
  }

  /** The `write` handed to the app: releases the head first. */
  readonly write: Write = (chunk) => this.release()(chunk);

  #headersOf(head: ResponseHead): ResponseHeaders {
    return this.#edit === undefined ? head.headers : this.#edit(head);
  }
}
