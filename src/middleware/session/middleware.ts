/**
 * The `sessions` middleware: a signed cookie naming a record in a store,
 * exposed to apps as `environ['tsgi.session']`.
 *
 * @module
 */
import { parseCookie, stringifySetCookie } from 'cookie';
import { toApp, wrapApp } from '../../gateway/app.js';
import { chunkLength, isBody } from '../../gateway/body.js';
import { logError } from '../../gateway/errors.js';
import { proxyBody, type BodyHooks, type BodyOutcome } from '../../gateway/response/body-proxy.js';
import { HeldResponse } from '../../gateway/response/start.js';
import type { App, AppLike, Body, Chunk, Environ, ResponseHeaders, StartResponse } from '../../gateway/types.js';
import { MemoryStore } from './memory-store.js';
import { SessionState, type LoadedSession } from './session-state.js';
import { CookieSigner, type VerifiedId } from './signing.js';
import type { SessionRecord, SessionStore } from './store.js';

/**
 * Options for {@link sessions}. Times are in milliseconds.
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
 */
export interface SessionOptions {
  /**
   * HMAC-SHA256 keys, each at least 32 characters, newest first. The first
   * signs new cookies; all of them verify, and a cookie verified by an
   * older one is re-signed with the first. Rotate by putting a new secret
   * first and dropping the old one once its cookies have expired.
   */
  secrets: readonly string[];
  /** Where records live (default: a new {@link MemoryStore}). */
  store?: SessionStore;
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
}

const UNAVAILABLE_BODY = 'Service Unavailable: the session store could not be reached. Please try again shortly.\n';

/**
 * Gives the wrapped app a session per visitor at `environ['tsgi.session']`
 * (see the gateway's `Session` type), carried by a signed cookie. Works with
 * any App or app class.
 *
 * **Cookie.** The value is `<id>.<HMAC-SHA256 tag>`, checked in constant
 * time. It is sent `HttpOnly`, `SameSite=Lax`, `Path` = the `SCRIPT_NAME`
 * the request arrived with (or `/`), and `Secure` when `tsgi.url_scheme` is
 * `https`, with no `Max-Age` (it ends with the browser; the store enforces
 * the timeouts). Ids are 192 random bits.
 *
 * **Laziness.** A request without a validly signed cookie never reaches the
 * store, and an empty new session is never stored and gets no cookie. A
 * request with one has its record read before the app runs, since the
 * `Session` methods are synchronous.
 *
 * **Saving.** Nothing is written unless the session changed (including
 * in-place changes to objects read from it) or its idle timeout needs
 * renewing (see `touchAfter`). The write happens when the response body
 * ends, or when the server closes it early, and before the body reports its
 * end to the server, so the visitor's next request always sees it. An app
 * that throws (or whose body throws) has its session changes discarded.
 * The `Set-Cookie` header is decided as late as possible: this layer holds
 * the app's `startResponse` back until its first non-empty output (which is
 * when headers go out anyway). A new session that gets its first data only
 * after output has begun cannot get a cookie; that change is dropped and
 * logged to `tsgi.errors`.
 *
 * **Bad input.** A missing, malformed, oversized, forged, tampered or
 * expired cookie gives a new, empty session (and the bad cookie is expired);
 * never an error, never another visitor's data.
 *
 * **Store failures.** A failed read answers `503 Service Unavailable` with
 * `Retry-After: 5` without running the app (a fresh session would log the
 * visitor out for good by replacing their cookie). A failed write answers
 * 503 instead of the app's response when no output has gone out yet; after
 * that, the body throws and the server aborts the response. Both are logged
 * to `tsgi.errors`.
 *
 * Concurrent requests of one visitor each save their own copy; the last
 * to finish wins. Where an outer layer has already put a session in the
 * environ, this one passes the request straight through, so an app that
 * brings its own `sessions` can be mounted in a site that has one.
 *
 * Behind a reverse proxy, put `proxyHeaders` outside this layer so that
 * `Secure` and `Path` follow the forwarded scheme and prefix.
 *
 * @throws TypeError for missing or short secrets, a bad cookie name or
 *   non-positive timeouts.
 * @example
 * ```ts
 * const counter: App = (environ, startResponse) => {
 *   const session = environ['tsgi.session']!;
 *   const count = Number(session.get('count') ?? 0) + 1;
 *   session.set('count', count);
 *   startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
 *   return [`You have been here ${count} times!\n`];
 * };
 * makeServer('127.0.0.1', 8080, sessions(counter, { secrets: [process.env.SESSION_SECRET!] })).serveForever();
 * ```
 */
export function sessions(app: AppLike, options: SessionOptions): App {
  const inner = toApp(app);
  const config = configure(options);
  const { store, signer, cookieName } = config;

  async function load(environ: Environ, now: number): Promise<LoadedSession> {
    const header = environ.HTTP_COOKIE;
    const value = header === undefined || header === '' ? undefined : parseCookie(header)[cookieName];
    if (value === undefined) return NO_COOKIE;
    const verified = signer.verify(value) ?? verifyLaterCopies(header!, cookieName, signer);
    if (verified === undefined) return BAD_COOKIE;
    const record = await store.get(verified.id);
    const live = record !== undefined && !config.expired(record, now) ? record : undefined;
    return { cookiePresent: true, cookieId: verified.id, rotated: verified.rotated, record: live };
  }

  return wrapApp(app, async function withSession(environ: Environ, startResponse: StartResponse): Promise<Body> {
    // An outer sessions layer already serves this request: a second cookie
    // of the same name would fight it, so this layer steps aside.
    if (environ['tsgi.session'] !== undefined) return inner(environ, startResponse);
    // Read now: mounting layers inside may change SCRIPT_NAME as they route.
    const cookiePath = environ.SCRIPT_NAME === '' ? '/' : environ.SCRIPT_NAME;
    const secure = environ['tsgi.url_scheme'] === 'https';
    const isHead = environ.REQUEST_METHOD === 'HEAD';
    let loaded: LoadedSession;
    try {
      loaded = await load(environ, Date.now());
    } catch (error) {
      logError(environ['tsgi.errors'], error, 'session: reading the session store failed; answered 503');
      startResponse('503 Service Unavailable', unavailableHeaders());
      return isHead ? [] : [UNAVAILABLE_BODY];
    }
    const state = new SessionState(loaded, Date.now());
    environ['tsgi.session'] = state;

    // The id the client's cookie names once this response's headers are
    // out: only a record under that id can ever be found again.
    let clientId: string | undefined;
    const response = new HeldResponse(startResponse, isHead, (head) => {
      clientId = state.cookieTarget();
      return [...head.headers, ...cookieHeaders(state, signer, cookieName, { path: cookiePath, secure })];
    });

    /**
     * Writes the session, then passes the response on. On failure returns
     * the 503 body to send instead, or throws when that is too late. When
     * the server has closed the body early, the response is not passed on.
     */
    async function commit(closing = false): Promise<Chunk[] | undefined> {
      try {
        // Only a record under the id the client's cookie names can be found
        // again: the one just sent, the one it came with, or (the response not
        // yet passed on) the one about to be sent.
        const target = response.released ? clientId : closing ? state.incomingId : state.cookieTarget();
        await save(state, target, config, closing ? undefined : environ);
      } catch (error) {
        logError(environ['tsgi.errors'], error, 'session: writing the session store failed');
        if (closing || !response.replace('503 Service Unavailable', unavailableHeaders())) throw error;
        return isHead ? [] : [UNAVAILABLE_BODY];
      }
      if (!closing) release(response);
      return undefined;
    }

    const body: unknown = await inner(environ, response.startResponse);
    if (!isBody(body)) {
      // Not ours to judge: the server reports it.
      release(response);
      return body as Body;
    }
    // An array is inert: the app has finished with the session already, so
    // it can be saved now and the array sent as it is (keeping its
    // Content-Length).
    if (Array.isArray(body)) {
      if (response.head === undefined) return body;
      return (await commit()) ?? body;
    }
    return proxyBody(body, new SessionSaving(response, commit, isHead), { async: true });
  });
}

/** The options checked, with defaults filled in. */
interface SessionConfig {
  readonly store: SessionStore;
  readonly signer: CookieSigner;
  readonly cookieName: string;
  readonly idleTimeout: number;
  readonly absoluteTimeout: number;
  readonly touchAfter: number;
  expired(record: SessionRecord, now: number): boolean;
  ttl(record: SessionRecord, now: number): number;
}

function configure(options: SessionOptions): SessionConfig {
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
  return {
    store: options.store ?? new MemoryStore(),
    signer,
    cookieName,
    idleTimeout,
    absoluteTimeout,
    touchAfter,
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

const NO_COOKIE: LoadedSession = { cookiePresent: false, cookieId: undefined, rotated: false, record: undefined };
const BAD_COOKIE: LoadedSession = { cookiePresent: true, cookieId: undefined, rotated: false, record: undefined };

async function save(state: SessionState, clientId: string | undefined, config: SessionConfig, warnTo: Environ | undefined): Promise<void> {
  const now = Date.now();
  const plan = state.savePlan(now, config.touchAfter);
  if (plan.record !== undefined) {
    if (plan.id === clientId) {
      const ttl = config.ttl(plan.record, now);
      // A session that reached its absolute limit during this request is
      // not stored again.
      if (ttl > 0) await config.store.set(plan.id, plan.record, ttl);
      else await config.store.destroy(plan.id);
    } else {
      warnTo?.['tsgi.errors'].write(
        `[${new Date().toISOString()}] session: the session was started, regenerated or destroyed after the response ` +
          `had begun, too late to send its cookie; this request's session changes were dropped\n`,
      );
    }
  }
  // The new record first, then the old ones: a failure in between leaves a
  // stale record to expire, never a visitor without one.
  for (const id of plan.obsolete) await config.store.destroy(id);
}

/**
 * A browser sends every cookie of that name whose path matches, longest path
 * first, and the cookie package keeps only the first. A stale copy at a
 * deeper path (from an older secret, say) must not hide the valid one.
 */
function verifyLaterCopies(header: string, name: string, signer: CookieSigner): VerifiedId | undefined {
  const segments = header.split(';');
  if (segments.length < 2) return undefined;
  let seen = 0;
  for (const segment of segments) {
    const value = parseCookie(segment)[name];
    if (value === undefined || seen++ === 0) continue;
    const verified = signer.verify(value);
    if (verified !== undefined) return verified;
  }
  return undefined;
}

function cookieHeaders(
  state: SessionState,
  signer: CookieSigner,
  name: string,
  where: { path: string; secure: boolean },
): ResponseHeaders {
  const action = state.cookieAction();
  if (action === undefined) return [];
  const attributes = { httpOnly: true, sameSite: 'lax', path: where.path, secure: where.secure } as const;
  const value =
    action === 'set'
      ? stringifySetCookie(name, signer.sign(state.cookieTarget()!), attributes)
      : stringifySetCookie(name, '', { ...attributes, maxAge: 0, expires: new Date(0) });
  return [['Set-Cookie', value]];
}

function unavailableHeaders(): ResponseHeaders {
  return [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(UNAVAILABLE_BODY))],
    ['Retry-After', '5'],
    ['Cache-Control', 'no-store'],
  ];
}

/**
 * Passes the app's head on, if it gave one: a missing `startResponse` is not
 * this layer's to judge, the server reports it.
 */
function release(response: HeldResponse): void {
  if (response.head !== undefined) response.release();
}

/** Whether a chunk carries bytes; anything else counts, so that the server refuses it. */
function hasBytes(chunk: unknown): boolean {
  if (typeof chunk === 'string') return chunk.length > 0;
  if (chunk instanceof Uint8Array) return chunk.byteLength > 0;
  return true;
}

/**
 * The hooks that save the session as the app's body goes by: before the
 * last chunk the server will send, at the body's end (after the app's
 * iterator is closed), or when the server closes the body early; in every
 * case before the body reports its end to the server. A body that fails
 * saves nothing: the app's session changes are discarded.
 */
class SessionSaving implements BodyHooks {
  readonly #response: HeldResponse;
  readonly #commit: (closing?: boolean) => Promise<Chunk[] | undefined>;
  readonly #isHead: boolean;
  #saved = false;
  /** Whether the 503 for a failed save replaced the app's response. */
  #replaced = false;
  #sent = 0;

  constructor(response: HeldResponse, commit: (closing?: boolean) => Promise<Chunk[] | undefined>, isHead: boolean) {
    this.#response = response;
    this.#commit = commit;
    this.#isHead = isHead;
  }

  async chunk(chunk: Chunk): Promise<Chunk | readonly Chunk[]> {
    if (this.#replaced) return [];
    if (this.#saved || !hasBytes(chunk)) return chunk;
    if (!this.#isLast(chunk)) {
      release(this.#response);
      return chunk;
    }
    // The server ends the response with this chunk and pulls no more, so
    // this is the last moment to save before the visitor can see it.
    this.#saved = true;
    const replacement = await this.#commit();
    this.#replaced = replacement !== undefined;
    return replacement ?? chunk;
  }

  async flush(): Promise<readonly Chunk[] | undefined> {
    if (this.#saved) return undefined;
    this.#saved = true;
    return this.#commit();
  }

  async end(outcome: BodyOutcome): Promise<void> {
    if (this.#saved || outcome === 'error') return;
    // Closed early (the client went away, or a HEAD or 204 needs no body):
    // the app is done with the session all the same.
    this.#saved = true;
    await this.#commit(true);
  }

  /**
   * Whether the server will end the response once it has `chunk`: the
   * declared Content-Length is reached, or the request or status allows no
   * body at all.
   */
  #isLast(chunk: Chunk): boolean {
    const head = this.#response.head;
    const limit = head === undefined ? (this.#isHead ? 0 : -1) : head.bodyLimit;
    if (limit < 0) return false;
    this.#sent += chunkLength(chunk);
    return this.#sent >= limit;
  }
}
