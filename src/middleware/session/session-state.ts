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
 * What the request brought: the id its cookie named (if the signature or
 * seal held) and that session's record (from the store, or sealed in the
 * cookie itself), unexpired.
 */
export interface LoadedSession {
  /** A cookie with the session's name was present at all, valid or not. */
  readonly cookiePresent: boolean;
  /** The id a valid cookie named. */
  readonly cookieId: string | undefined;
  /** The cookie was signed or sealed with an older secret. */
  readonly rotated: boolean;
  /** The unexpired record for `cookieId`. */
  readonly record: SessionRecord | undefined;
  /** Where `record` came from: the store (the cookie held a signed id) or the cookie itself (sealed). */
  readonly source?: 'store' | 'cookie' | undefined;
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
  /** The current id names the session the visitor already holds (in the store or sealed in their cookie). */
  #held: boolean;
  /** How many times the app changed the session through its methods. */
  #changes = 0;
  #accessed = false;
  /** regenerate() asked for the session to live on, even empty. */
  #wanted = false;
  #regenerated = false;

  constructor(loaded: LoadedSession, now: number) {
    this.#loaded = loaded;
    const { record } = loaded;
    if (record !== undefined && loaded.cookieId !== undefined) {
      this.#id = loaded.cookieId;
      this.#data = new Map(Object.entries(record.data));
      this.#created = record.created;
      this.#held = true;
      // Primitive values cannot be changed in place, so only a record
      // holding objects needs the JSON snapshot (costly on every request).
      this.#loadedJson = holdsObjects(record.data) ? JSON.stringify(record.data) : undefined;
    } else {
      // A fresh id, never the one the cookie named: adopting a client's id
      // would let an attacker plant a session id in a victim's browser.
      this.#id = undefined;
      this.#data = new Map();
      this.#created = now;
      this.#held = false;
      this.#loadedJson = undefined;
      // An expired session's leftover record goes at the end of the request.
      if (loaded.cookieId !== undefined && loaded.source === 'store') this.#obsolete.push(loaded.cookieId);
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
    return this.#changes > 0;
  }

  /** The id of the valid session the request's cookie named, if any. */
  get incomingId(): string | undefined {
    return this.#loaded.record === undefined ? undefined : this.#loaded.cookieId;
  }

  /** Whether the app called any method of the session. */
  get accessed(): boolean {
    return this.#accessed;
  }

  /** Whether the app called regenerate(), as it does at login. */
  get regenerated(): boolean {
    return this.#regenerated;
  }

  /** What the request brought. */
  get loaded(): LoadedSession {
    return this.#loaded;
  }

  /** Whether the current id has a record in the store (loaded from it, not retired). */
  get inStore(): boolean {
    return this.#held && this.#loaded.source === 'store';
  }

  /** Ids whose records must leave the store (a regenerated or destroyed session's old id, an expired one). */
  get obsolete(): readonly string[] {
    return this.#obsolete;
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
    this.#changes++;
  }

  has(key: string): boolean {
    this.#accessed = true;
    return this.#data.has(key);
  }

  delete(key: string): boolean {
    this.#accessed = true;
    const had = this.#data.delete(key);
    if (had) this.#changes++;
    return had;
  }

  clear(): void {
    this.#accessed = true;
    if (this.#data.size > 0) this.#changes++;
    this.#data.clear();
  }

  keys(): string[] {
    this.#accessed = true;
    return [...this.#data.keys()];
  }

  regenerate(): void {
    this.#accessed = true;
    this.#regenerated = true;
    this.#retireId();
    this.#wanted = true;
    this.#changes++;
  }

  destroy(): void {
    this.#accessed = true;
    this.#retireId();
    this.#data.clear();
    this.#wanted = false;
    this.#created = Date.now();
    this.#changes++;
  }

  /**
   * The id the client's cookie must name after this response, or
   * `undefined` when it must hold no session cookie at all.
   */
  cookieTarget(): string | undefined {
    return this.#held || this.#wanted || this.#data.size > 0 ? this.id : undefined;
  }

  /** Whether the data differs from what the request brought (including in-place changes to objects read from it). */
  dirty(): boolean {
    if (this.#changes > 0) return true;
    if (this.#loadedJson === undefined || !this.#accessed) return false;
    return JSON.stringify(Object.fromEntries(this.#data)) !== this.#loadedJson;
  }

  /**
   * Whether an unmodified session the app used is due to be written again
   * to renew its idle timeout: `touchAfter` has passed since the last write.
   */
  due(now: number, touchAfter: number): boolean {
    const previous = this.#loaded.record;
    return this.#held && this.#accessed && previous !== undefined && now - previous.touched >= touchAfter;
  }

  /** The record to write now. */
  snapshot(now: number): SessionRecord {
    return { data: Object.fromEntries(this.#data), created: this.#created, touched: now };
  }

  /** The id and data as one string, to notice changes made after a cookie carrying them left. */
  fingerprint(): string {
    const target = this.cookieTarget() ?? '';
    // Primitive values cannot change in place, so the count of changes
    // says all; objects the app may mutate need their JSON. Either form
    // differs from the other, as data that gains or loses an object has
    // changed.
    for (const value of this.#data.values()) {
      if (typeof value === 'object' && value !== null) return JSON.stringify([target, Object.fromEntries(this.#data)]);
    }
    return `${target}#${this.#changes}`;
  }

  #retireId(): void {
    if (this.inStore) this.#obsolete.push(this.id);
    this.#held = false;
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
