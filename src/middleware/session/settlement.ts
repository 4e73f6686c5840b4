/**
 * Where a session lives after the response, the `Set-Cookie` that says so,
 * and the store writes that go with it.
 *
 * @module
 */
import { stringifySetCookie } from 'cookie';
import type { Environ } from '../../gateway/types.js';
import type { SessionConfig } from './options.js';
import type { SessionState } from './session-state.js';
import type { SessionRecord, SessionStore } from './store.js';

/** Where the cookie goes and whether the connection is https. */
export interface CookieScope {
  readonly path: string;
  readonly secure: boolean;
}

/**
 * The decision made when the response's head is released: where the session
 * lives from now on, and the cookie that carries it there.
 */
export interface Settlement {
  /** `'store'`: a signed id names a record; `'cookie'`: the cookie holds it sealed; `undefined`: no session. */
  readonly home: 'store' | 'cookie' | undefined;
  /** The id the client's cookie names after this response. */
  readonly id: string | undefined;
  /** The `Set-Cookie` header value to send, if the client's cookie must change. */
  readonly setCookie: string | undefined;
  /** The session as it stood, to notice changes made after the cookie left. */
  readonly fingerprint: string;
}

/** A sealed session that would not fit in its cookie. */
export class CookieTooLarge extends Error {
  /** The `Set-Cookie` value's size in bytes. */
  readonly bytes: number;
  /** The limit it broke. */
  readonly limit: number;

  constructor(bytes: number, limit: number) {
    super(
      `session: the session does not fit in its cookie: the Set-Cookie header would be ${bytes} bytes, over the ` +
        `${limit}-byte limit (RFC 6265 §6.1; browsers drop larger cookies). Store less in the session, or use a server-side store.`,
    );
    this.name = 'CookieTooLarge';
    this.bytes = bytes;
    this.limit = limit;
  }
}

/**
 * Decides where the session lives and what cookie says so.
 *
 * @throws {@link CookieTooLarge} when the cookie store's sealed session
 *   would exceed its limit.
 */
export function settle(state: SessionState, config: SessionConfig, scope: CookieScope, now: number): Settlement {
  const id = state.cookieTarget();
  const fingerprint = state.fingerprint();
  const loaded = state.loaded;
  if (id === undefined) {
    return { home: undefined, id, setCookie: loaded.cookiePresent ? expiry(config, scope) : undefined, fingerprint };
  }
  if (config.store !== undefined && !wantsCookie(state, config)) {
    const needed = id !== loaded.cookieId || loaded.rotated || loaded.source !== 'store';
    const setCookie = needed ? setCookieOf(config, config.signer.sign(id), scope) : undefined;
    return { home: 'store', id, setCookie, fingerprint };
  }
  const needed =
    id !== loaded.cookieId || loaded.rotated || loaded.source !== 'cookie' || state.dirty() || state.due(now, config.touchAfter);
  if (!needed) return { home: 'cookie', id, setCookie: undefined, fingerprint };
  const record = state.snapshot(now);
  const ttl = config.ttl(record, now);
  // The absolute timeout ran out during this request.
  if (ttl <= 0) return { home: undefined, id: undefined, setCookie: expiry(config, scope), fingerprint };
  const value = config.sealer.seal({ id, record, expires: now + ttl }, config.cookieName);
  const setCookie = setCookieOf(config, value, scope);
  const bytes = Buffer.byteLength(setCookie);
  if (bytes <= config.maxCookieBytes) return { home: 'cookie', id, setCookie, fingerprint };
  if (config.store === undefined) throw new CookieTooLarge(bytes, config.maxCookieBytes);
  // A new session too large to wait in its cookie goes to the store at once.
  return { home: 'store', id, setCookie: setCookieOf(config, config.signer.sign(id), scope), fingerprint };
}

/**
 * Whether a session served by a server-side store stays sealed in its
 * cookie: a new one waits there until the visitor proves they keep cookies
 * by sending it back, and the app changes it on that later visit. A
 * regenerated session (a login) goes to the store at once, so that logging
 * out can revoke it: a sealed copy would stay valid until it expired.
 */
function wantsCookie(state: SessionState, config: SessionConfig): boolean {
  if (!config.deferNewSessions || state.inStore || state.regenerated) return false;
  return state.loaded.source !== 'cookie' || !state.dirty();
}

/**
 * Writes what the settlement puts in the store, then deletes the records of
 * retired ids; `undefined` when there is nothing to write, so that a
 * request which changed nothing costs no promise. Changes made after a
 * sealed cookie left cannot be carried, and neither can a session started
 * after the head went out: both are dropped and logged to `warnTo`'s
 * `tsgi.errors`.
 */
export function persist(
  state: SessionState,
  settlement: Settlement,
  config: SessionConfig,
  warnTo: Environ | undefined,
): Promise<void> | undefined {
  const now = Date.now();
  const id = state.cookieTarget();
  let record: SessionRecord | undefined;
  if (settlement.home === 'store' && id === settlement.id) {
    if (state.dirty() || state.due(now, config.touchAfter) || !state.inStore) record = state.snapshot(now);
  } else if (state.fingerprint() !== settlement.fingerprint) {
    warnTo?.['tsgi.errors'].write(
      `[${new Date().toISOString()}] session: the session was started, changed, regenerated or destroyed after the ` +
        `response had begun, too late to send its cookie; this request's later session changes were dropped\n`,
    );
  }
  const store = config.store;
  if (store === undefined || (record === undefined && state.obsolete.length === 0)) return undefined;
  return write(store, id, record, state.obsolete, config, now);
}

async function write(
  store: SessionStore,
  id: string | undefined,
  record: SessionRecord | undefined,
  obsolete: readonly string[],
  config: SessionConfig,
  now: number,
): Promise<void> {
  if (record !== undefined) {
    const ttl = config.ttl(record, now);
    // A session that reached its absolute limit during this request is
    // not stored again.
    if (ttl > 0) await store.set(id!, record, ttl);
    else await store.destroy(id!);
  }
  // The new record first, then the old ones: a failure in between leaves a
  // stale record to expire, never a visitor without one.
  for (const old of obsolete) await store.destroy(old);
}

// The attributes after the value, made by the cookie package (which checks
// the name and path) once per cookie name, path and scheme. The value needs
// no check: a signed id and a sealed session are base64url and `.`, all
// cookie-octets. Serialising a 300-byte sealed value each time was a large
// part of a new session's cost.
const suffixes = new Map<string, string>();
const MAX_SUFFIXES = 256;

function setCookieOf(config: SessionConfig, value: string, scope: CookieScope): string {
  const key = `${config.cookieName}\n${scope.path}\n${scope.secure}`;
  let suffix = suffixes.get(key);
  if (suffix === undefined) {
    suffix = stringifySetCookie(config.cookieName, '', attributes(scope)).slice(config.cookieName.length + 1);
    if (suffixes.size >= MAX_SUFFIXES) suffixes.clear();
    suffixes.set(key, suffix);
  }
  return `${config.cookieName}=${value}${suffix}`;
}

function attributes(scope: CookieScope) {
  return { httpOnly: true, sameSite: 'lax', path: scope.path, secure: scope.secure } as const;
}

function expiry(config: SessionConfig, scope: CookieScope): string {
  return stringifySetCookie(config.cookieName, '', { ...attributes(scope), maxAge: 0, expires: new Date(0) });
}
