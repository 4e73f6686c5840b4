/**
 * The per-request {@link Session} object and what it has to say about
 * saving and about the cookie.
 *
 * @module
 */
import type { Session } from '../../gateway/types.js';
import { newSessionId } from './signing.js';
import type { SessionRecord } from './store.js';

/**
 * What the request brought: the id its cookie named (if the signature held)
 * and that session's record (if the store still had it, unexpired).
 */
export interface LoadedSession {
  /** A cookie with the session's name was present at all, valid or not. */
  readonly cookiePresent: boolean;
  /** The id a validly signed cookie named. */
  readonly cookieId: string | undefined;
  /** The cookie was signed with an older secret. */
  readonly rotated: boolean;
  /** The unexpired record for `cookieId`. */
  readonly record: SessionRecord | undefined;
}

/** What to write when the request is done. */
export interface SavePlan {
  /** Ids whose records must go (a regenerated or destroyed session's old id). */
  readonly obsolete: readonly string[];
  /** The record to store under `id`, when there is one to store. */
  readonly record: SessionRecord | undefined;
  /** The id to store it under. */
  readonly id: string;
}

/** The session of one request, as apps see it at `environ['tsgi.session']`. */
export class SessionState implements Session {
  readonly #loaded: LoadedSession;
  readonly #data: Map<string, unknown>;
  readonly #obsolete: string[] = [];
  // The JSON the record had when loaded, to notice in-place changes to
  // objects the app read and mutated without calling set().
  readonly #loadedJson: string | undefined;
  /** Made on first use: most requests never need one, and randomBytes is not free. */
  #id: string | undefined;
  #created: number;
  /** The current id has a record in the store. */
  #stored: boolean;
  #modified = false;
  #accessed = false;
  /** regenerate() asked for the session to live on, even empty. */
  #wanted = false;

  constructor(loaded: LoadedSession, now: number) {
    this.#loaded = loaded;
    const { record } = loaded;
    if (record !== undefined && loaded.cookieId !== undefined) {
      this.#id = loaded.cookieId;
      this.#data = new Map(Object.entries(record.data));
      this.#created = record.created;
      this.#stored = true;
      // Primitive values cannot be changed in place, so only a record
      // holding objects needs the JSON snapshot (costly on every request).
      this.#loadedJson = holdsObjects(record.data) ? JSON.stringify(record.data) : undefined;
    } else {
      // A fresh id, never the one the cookie named: adopting a client's id
      // would let an attacker plant a session id in a victim's browser.
      this.#id = undefined;
      this.#data = new Map();
      this.#created = now;
      this.#stored = false;
      this.#loadedJson = undefined;
      // An expired session's leftover record goes at the end of the request.
      if (loaded.cookieId !== undefined) this.#obsolete.push(loaded.cookieId);
    }
  }

  get id(): string {
    this.#id ??= newSessionId();
    return this.#id;
  }

  get isNew(): boolean {
    return this.#loaded.record === undefined;
  }

  get modified(): boolean {
    return this.#modified;
  }

  /** The id of the valid session the request's cookie named, if any. */
  get incomingId(): string | undefined {
    return this.#loaded.record === undefined ? undefined : this.#loaded.cookieId;
  }

  /** Whether the app called any method of the session. */
  get accessed(): boolean {
    return this.#accessed;
  }

  get(key: string): unknown {
    this.#accessed = true;
    return this.#data.get(key);
  }

  set(key: string, value: unknown): void {
    this.#accessed = true;
    if (typeof key !== 'string') throw new TypeError('session keys must be strings');
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (error) {
      throw new TypeError(`session value for ${JSON.stringify(key)} is not JSON-serialisable`, { cause: error });
    }
    if (json === undefined) throw new TypeError(`session value for ${JSON.stringify(key)} is not JSON-serialisable (${typeof value})`);
    this.#data.set(key, value);
    this.#modified = true;
  }

  has(key: string): boolean {
    this.#accessed = true;
    return this.#data.has(key);
  }

  delete(key: string): boolean {
    this.#accessed = true;
    const had = this.#data.delete(key);
    if (had) this.#modified = true;
    return had;
  }

  clear(): void {
    this.#accessed = true;
    if (this.#data.size > 0) this.#modified = true;
    this.#data.clear();
  }

  keys(): string[] {
    this.#accessed = true;
    return [...this.#data.keys()];
  }

  regenerate(): void {
    this.#accessed = true;
    this.#retireId();
    this.#wanted = true;
    this.#modified = true;
  }

  destroy(): void {
    this.#accessed = true;
    this.#retireId();
    this.#data.clear();
    this.#wanted = false;
    this.#created = Date.now();
    this.#modified = true;
  }

  /**
   * The id the client's cookie must name after this response, or
   * `undefined` when it must hold no session cookie at all.
   */
  cookieTarget(): string | undefined {
    return this.#stored || this.#wanted || this.#data.size > 0 ? this.id : undefined;
  }

  /**
   * The `Set-Cookie` this response needs: `'set'` to issue (or re-sign) the
   * cookie for {@link cookieTarget}, `'expire'` to remove the client's
   * cookie, or `undefined` when the client's cookie is right as it is.
   */
  cookieAction(): 'set' | 'expire' | undefined {
    const target = this.cookieTarget();
    if (target === undefined) return this.#loaded.cookiePresent ? 'expire' : undefined;
    if (target !== this.#loaded.cookieId || this.#loaded.rotated) return 'set';
    return undefined;
  }

  /**
   * What to write to the store once the response is done. An unmodified
   * stored session is rewritten only to renew its idle timeout, and only
   * when the app used it and `touchAfter` has passed since the last write.
   */
  savePlan(now: number, touchAfter: number): SavePlan {
    const previous = this.#loaded.record;
    let dirty = this.#modified;
    if (!dirty && this.#loadedJson !== undefined && this.#accessed) {
      dirty = JSON.stringify(Object.fromEntries(this.#data)) !== this.#loadedJson;
    }
    const due = this.#stored && this.#accessed && previous !== undefined && now - previous.touched >= touchAfter;
    const keep = this.cookieTarget() !== undefined;
    const record = keep && (dirty || due) ? { data: Object.fromEntries(this.#data), created: this.#created, touched: now } : undefined;
    return { obsolete: [...this.#obsolete], record, id: this.id };
  }

  #retireId(): void {
    if (this.#stored) this.#obsolete.push(this.id);
    this.#stored = false;
    this.#id = undefined;
  }
}

function holdsObjects(data: Record<string, unknown>): boolean {
  for (const key in data) {
    const value = data[key];
    if (typeof value === 'object' && value !== null) return true;
  }
  return false;
}
