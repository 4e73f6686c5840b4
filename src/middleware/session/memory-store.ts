/**
 * The default session store: a bounded map in this process's memory.
 *
 * @module
 */
import { parseRecord, type SessionRecord, type SessionStore } from './store.js';

/**
 * Options for a {@link MemoryStore}.
 *
 * @example
 * ```ts
 * const options: MemoryStoreOptions = { maxSessions: 1000 };
 * ```
 *
 * @category Stores
 */
export interface MemoryStoreOptions {
  /** The most sessions kept; past it the least recently used goes (default 10 000). */
  maxSessions?: number;
}

interface Entry {
  readonly text: string;
  readonly expires: number;
}

/**
 * Keeps sessions in this process, bounded in number: when full, the least
 * recently used session is dropped, so visitors who keep coming back outlast
 * a burst of new ones (and the middleware stores no session for clients
 * that send no cookies back). Records expire after their ttl. For a
 * single process only; sessions are lost on restart (use {@link FileStore}
 * or {@link RedisStore} to keep them).
 *
 * @example
 * ```ts
 * const app = sessions(myApp, { secrets: [secret], store: new MemoryStore({ maxSessions: 5000 }) });
 * ```
 *
 * @category Stores
 */
export class MemoryStore implements SessionStore {
  /** The bound given, or the default. */
  readonly maxSessions: number;
  // A Map iterates in insertion order; re-inserting on every use keeps the
  // least recently used entry first.
  readonly #entries = new Map<string, Entry>();

  /** @throws TypeError when `maxSessions` is not a positive integer. */
  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxSessions ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new TypeError(`MemoryStore: maxSessions must be a positive integer, got ${max}`);
    this.maxSessions = max;
  }

  /** How many sessions are held (expired ones included until touched). */
  get size(): number {
    return this.#entries.size;
  }

  /** See {@link SessionStore.get}. */
  get(id: string): Promise<SessionRecord | undefined> {
    const entry = this.#entries.get(id);
    if (entry === undefined) return Promise.resolve(undefined);
    this.#entries.delete(id);
    if (entry.expires <= Date.now()) return Promise.resolve(undefined);
    this.#entries.set(id, entry);
    return Promise.resolve(parseRecord(entry.text));
  }

  /** See {@link SessionStore.set}. */
  set(id: string, record: SessionRecord, ttl: number): Promise<void> {
    // Serialising keeps the stored copy apart from objects the app still holds.
    const entry = { text: JSON.stringify(record), expires: Date.now() + ttl };
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    if (this.#entries.size > this.maxSessions) this.#evict();
    return Promise.resolve();
  }

  /** See {@link SessionStore.destroy}. */
  destroy(id: string): Promise<void> {
    this.#entries.delete(id);
    return Promise.resolve();
  }

  /** Drops every session. */
  close(): Promise<void> {
    this.#entries.clear();
    return Promise.resolve();
  }

  #evict(): void {
    // Expired entries are not hunted down: they leave when read or when they
    // reach the front of the line, which keeps every call O(1).
    for (const id of this.#entries.keys()) {
      if (this.#entries.size <= this.maxSessions) break;
      this.#entries.delete(id);
    }
  }
}
