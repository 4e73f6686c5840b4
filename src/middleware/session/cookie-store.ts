/**
 * The cookie store: a session kept in its own cookie, sealed, with nothing
 * on the server.
 *
 * @module
 */

/** RFC 6265 §6.1: browsers keep cookies of at least 4096 bytes, name, value and attributes together. */
export const COOKIE_LIMIT = 4096;

/**
 * Options for a {@link CookieStore}.
 *
 * @example
 * ```ts
 * const options: CookieStoreOptions = { maxBytes: 2048 };
 * ```
 *
 * @category Stores
 */
export interface CookieStoreOptions {
  /**
   * The largest `Set-Cookie` value (name, value and attributes, in bytes)
   * the middleware will send; at most and by default 4096, the size
   * RFC 6265 §6.1 and browsers guarantee.
   */
  maxBytes?: number;
}

/**
 * Keeps each session in the visitor's cookie, encrypted and authenticated
 * with AES-256-GCM under keys derived (HKDF-SHA256) from the middleware's
 * `secrets`, so that nothing is stored on the server and no request, however
 * many, can push one visitor's session out. Pass it as the `store` of
 * `sessions`.
 *
 * What changes with it:
 * - **Size.** The data must fit a 4 KiB cookie. A response whose session
 *   would not fit is answered `500` by the middleware, naming the limit,
 *   and logged to `tsgi.errors`.
 * - **Changes after output began** cannot reach the cookie, which left with
 *   the headers; they are dropped and logged.
 * - **Logout** (`destroy()`) expires the cookie, but a copy the client kept
 *   stays valid until its timeouts pass: there is no server record to
 *   delete. Rotating the secrets ends every session at once.
 * - **Expiry** (the idle and absolute timeouts) is inside the sealed
 *   payload, so the client cannot extend it.
 *
 * @example
 * ```ts
 * const app = sessions(myApp, { secrets: [process.env.SESSION_SECRET!], store: new CookieStore() });
 * ```
 *
 * @category Stores
 */
export class CookieStore {
  /** The limit in force, in bytes. */
  readonly maxBytes: number;

  /** @throws TypeError when `maxBytes` is not an integer from 256 to 4096. */
  constructor(options: CookieStoreOptions = {}) {
    const max = options.maxBytes ?? COOKIE_LIMIT;
    if (!Number.isInteger(max) || max < 256 || max > COOKIE_LIMIT) {
      throw new TypeError(`CookieStore: maxBytes must be an integer from 256 to ${COOKIE_LIMIT}, got ${max}`);
    }
    this.maxBytes = max;
  }
}
