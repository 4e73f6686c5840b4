/**
 * One response's session bookkeeping: the held head, the cookie decided as
 * it is released, and the save before the visitor can ask again.
 *
 * @module
 */
import { logError } from '../../gateway/errors.js';
import { HeldResponse } from '../../gateway/response/start.js';
import type { Chunk, Environ, ResponseHeaders, StartResponse } from '../../gateway/types.js';
import type { SessionConfig } from './options.js';
import type { SessionState } from './session-state.js';
import { CookieTooLarge, persist, settle, type CookieScope, type Settlement } from './settlement.js';

const UNAVAILABLE_BODY = 'Service Unavailable: the session store could not be reached. Please try again shortly.\n';

/**
 * Holds the app's head until the session's cookie is decided, and saves the
 * session when the app is done with it. A store failure or a session too
 * large for its cookie replaces the response while the head is still held.
 */
export class SessionExchange {
  /** The held response; the app gets its `startResponse`. */
  readonly response: HeldResponse;
  readonly #state: SessionState;
  readonly #config: SessionConfig;
  readonly #scope: CookieScope;
  readonly #environ: Environ;
  readonly #isHead: boolean;
  #settlement: Settlement | undefined;
  /** The session did not fit in its cookie and a 500 replaced the response: nothing is saved. */
  #refused = false;

  constructor(state: SessionState, config: SessionConfig, environ: Environ, startResponse: StartResponse, isHead: boolean) {
    this.#state = state;
    this.#config = config;
    // Read now: mounting layers inside may change SCRIPT_NAME as they route.
    this.#scope = { path: environ.SCRIPT_NAME === '' ? '/' : environ.SCRIPT_NAME, secure: environ['tsgi.url_scheme'] === 'https' };
    this.#environ = environ;
    this.#isHead = isHead;
    // The app's own write() releases through here too; a session too large
    // for its cookie then throws there, before the head is passed on.
    this.response = new HeldResponse(startResponse, isHead, (head) => {
      const { setCookie } = this.#settle();
      return setCookie === undefined ? head.headers : [...head.headers, ['Set-Cookie', setCookie]];
    });
  }

  /**
   * Passes the app's head on with the session's cookie, if the app gave a
   * head (a missing one is the server's to report). Returns the body of the
   * 500 sent instead when the session does not fit in its cookie.
   */
  release(): Chunk[] | undefined {
    if (this.response.head === undefined || this.response.released) return undefined;
    const refused = this.#settleOrRefuse();
    if (refused !== undefined) return refused;
    this.response.release();
    return undefined;
  }

  /**
   * Writes the session, then passes the response on. On failure returns the
   * body to send instead (503 for the store, 500 for a cookie too large),
   * or throws when that is too late. `closing`: the server closed the body
   * early, so nothing is passed on.
   */
  commit(closing = false): Chunk[] | undefined | Promise<Chunk[] | undefined> {
    if (this.#refused) return undefined;
    let settlement: Settlement;
    if (closing && !this.response.released) {
      // No cookie will go out: only the session the client's cookie already
      // names can be found again.
      const state = this.#state;
      settlement = { home: state.inStore ? 'store' : undefined, id: state.inStore ? state.incomingId : undefined, setCookie: undefined, fingerprint: state.fingerprint() };
    } else {
      const refused = this.response.released ? undefined : this.#settleOrRefuse();
      if (refused !== undefined) return refused;
      settlement = this.#settle();
    }
    let writing: Promise<void> | undefined;
    try {
      writing = persist(this.#state, settlement, this.#config, closing ? undefined : this.#environ);
    } catch (error) {
      return this.#storeFailed(error, closing);
    }
    if (writing === undefined) {
      if (!closing) this.release();
      return undefined;
    }
    return writing.then(
      () => {
        if (!closing) this.release();
        return undefined;
      },
      (error: unknown) => this.#storeFailed(error, closing),
    );
  }

  /** A store write failed: 503 instead of the response while that is still possible. */
  #storeFailed(error: unknown, closing: boolean): Chunk[] {
    logError(this.#environ['tsgi.errors'], error, 'session: writing the session store failed');
    if (closing || !this.response.replace('503 Service Unavailable', plainHeaders(UNAVAILABLE_BODY, [['Retry-After', '5']]))) throw error;
    return this.#isHead ? [] : [UNAVAILABLE_BODY];
  }

  /** The decision, made once: a later replacement head gets the same cookie. */
  #settle(): Settlement {
    this.#settlement ??= settle(this.#state, this.#config, this.#scope, Date.now());
    return this.#settlement;
  }

  #settleOrRefuse(): Chunk[] | undefined {
    try {
      this.#settle();
      return undefined;
    } catch (error) {
      if (!(error instanceof CookieTooLarge)) throw error;
      this.#refused = true;
      logError(this.#environ['tsgi.errors'], error, 'session: answered 500');
      const text = `Internal Server Error: the session is too large for its cookie (${error.bytes} bytes; the limit is ${error.limit} bytes, RFC 6265 §6.1).\n`;
      this.response.replace('500 Internal Server Error', plainHeaders(text, []));
      return this.#isHead ? [] : [text];
    }
  }
}

/**
 * The headers of a short text answer this layer sends itself.
 *
 * @internal
 */
export function plainHeaders(text: string, extra: ResponseHeaders): ResponseHeaders {
  return [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(text))],
    ...extra,
    ['Cache-Control', 'no-store'],
  ];
}

/** The body of the 503 for a store that failed. */
export { UNAVAILABLE_BODY };
