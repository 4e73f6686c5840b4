/**
 * The options of the `sessions` middleware, checked, with their defaults.
 *
 * @module
 */
import { COOKIE_LIMIT, CookieStore } from './cookie-store.js';
import { MemoryStore } from './memory-store.js';
import { CookieSealer } from './sealing.js';
import { CookieSigner } from './signing.js';
import type { SessionRecord, SessionStore } from './store.js';

/**
 * Options for `sessions`. Times are in milliseconds.
 *
 * @example
 * ```ts
 * const options: SessionOptions = {
 *   secrets: [process.env.SESSION_SECRET!, process.env.OLD_SESSION_SECRET!],
 *   store: new FileStore({ dir: './sessions' }),
 *   cookieName: 'shop_sid',
 *   idleTimeout: 15 * 60_000,
 *   absoluteTimeout: 8 * 60 * 60_000,
 * };
 * ```
 *
 * @category Middleware
 */
export interface SessionOptions {
  /**
   * Keys, each at least 32 characters, newest first. They sign session ids
   * (HMAC-SHA256) and, through HKDF, give the AES-256-GCM keys of sealed
   * cookies. The first signs and seals; all of them verify and open, and a
   * cookie from an older one is re-issued under the first. Rotate by
   * putting a new secret first and dropping the old one once its cookies
   * have expired; a cookie under a dropped secret reads as no session.
   */
  secrets: readonly string[];
  /**
   * Where sessions live: a {@link SessionStore} on the server, or a
   * {@link CookieStore} to keep each session in its own cookie (default: a
   * new {@link MemoryStore}).
   */
  store?: SessionStore | CookieStore;
  /** The cookie's name (default `tsgi_sid`). */
  cookieName?: string;
  /** A session unused for this long expires (default 30 minutes). */
  idleTimeout?: number;
  /** A session this old expires however busy it is (default 12 hours). */
  absoluteTimeout?: number;
  /**
   * An unmodified session the app used is rewritten, to renew its idle
   * timeout, at most this often (default a tenth of `idleTimeout`, at most
   * one minute). Modified sessions are always written.
   */
  touchAfter?: number;
  /**
   * With a server-side store, a new session is first sealed into its cookie
   * and written to the store only when the visitor sends that cookie back
   * and the app changes the session again (default `true`). Clients that
   * keep no cookies, such as a flood of scripted requests, then never reach
   * the store. A new session too large for a cookie is stored at once. No
   * effect with a {@link CookieStore}.
   */
  deferNewSessions?: boolean;
}

/** The options checked, with defaults filled in. */
export interface SessionConfig {
  /** The server-side store, or `undefined` for the cookie store. */
  readonly store: SessionStore | undefined;
  readonly signer: CookieSigner;
  readonly sealer: CookieSealer;
  readonly cookieName: string;
  readonly touchAfter: number;
  /** New sessions start sealed in their cookie (always so with the cookie store). */
  readonly deferNewSessions: boolean;
  /** The largest `Set-Cookie` value a sealed session may make, in bytes. */
  readonly maxCookieBytes: number;
  expired(record: SessionRecord, now: number): boolean;
  ttl(record: SessionRecord, now: number): number;
}

/**
 * Checks `options` and fills in the defaults.
 *
 * @throws TypeError for missing or short secrets, a bad cookie name or
 *   non-positive timeouts.
 */
export function configure(options: SessionOptions): SessionConfig {
  if (typeof options !== 'object' || options === null) throw new TypeError('session: options with `secrets` are required');
  const signer = new CookieSigner(options.secrets);
  const cookieName = options.cookieName ?? 'tsgi_sid';
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName)) {
    throw new TypeError(`session: cookieName ${JSON.stringify(cookieName)} is not a valid cookie name`);
  }
  const idleTimeout = positive('idleTimeout', options.idleTimeout ?? 30 * 60_000);
  const absoluteTimeout = positive('absoluteTimeout', options.absoluteTimeout ?? 12 * 60 * 60_000);
  const touchAfter = options.touchAfter ?? Math.min(60_000, idleTimeout / 10);
  if (!(touchAfter >= 0)) throw new TypeError(`session: touchAfter must be zero or more, got ${touchAfter}`);
  const given = options.store ?? new MemoryStore();
  const inCookie = given instanceof CookieStore;
  return {
    store: inCookie ? undefined : given,
    signer,
    sealer: new CookieSealer(options.secrets),
    cookieName,
    touchAfter,
    deferNewSessions: inCookie || options.deferNewSessions !== false,
    maxCookieBytes: inCookie ? given.maxBytes : COOKIE_LIMIT,
    expired: (record, now) => now - record.touched >= idleTimeout || now - record.created >= absoluteTimeout,
    ttl: (record, now) => Math.min(idleTimeout, record.created + absoluteTimeout - now),
  };
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new TypeError(`session: ${name} must be a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}
