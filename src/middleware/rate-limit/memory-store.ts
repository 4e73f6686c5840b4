/**
 * The in-process {@link RateLimitStore}, bounded in size.
 *
 * @module
 */
import type { ConsumeOutcome, ConsumeRequest, RateLimitStore } from './store.js';

/**
 * Options for a {@link MemoryRateLimitStore}.
 *
 * @example
 * ```ts
 * const options: MemoryRateLimitStoreOptions = { maxKeys: 50_000 };
 * ```
 *
 * @category Stores
 */
export interface MemoryRateLimitStoreOptions {
  /** The most clients tracked at once (default 10,000). */
  maxKeys?: number;
}

interface Entry {
  window: number;
  current: number;
  previous: number;
  expires: number;
}

/** Expired entries looked at per call: enough to keep up, few enough to stay O(1). */
const SWEEP_PER_CALL = 4;

/**
 * Keeps one small entry per client (its window number and two counters)
 * in a `Map`, so memory stays bounded:
 *
 * - **Expiry** is lazy: each call drops a few expired entries from the
 *   least recently used end, and an entry read after it expired counts as
 *   empty. No timer runs, so nothing keeps the process alive.
 * - **Cap**: past `maxKeys` clients the least recently used one is
 *   evicted. A flood of distinct keys therefore costs at most `maxKeys`
 *   entries, but it can evict a real client's counter and hand that client
 *   a fresh budget early; size `maxKeys` above the number of distinct
 *   clients you expect in one window.
 *
 * Counts live in one process: behind `--workers N` each worker counts on
 * its own, so a client gets up to N times the limit. Use a
 * {@link RedisRateLimitStore} to share counts. Use one store per limiter,
 * or give the limiters different names.
 *
 * @throws RangeError when `maxKeys` is not a positive integer.
 * @example
 * ```ts
 * const app = rateLimit(login, { limit: 5, windowMs: 60_000, store: new MemoryRateLimitStore({ maxKeys: 50_000 }) });
 * ```
 *
 * @category Stores
 */
export class MemoryRateLimitStore implements RateLimitStore {
  /** The most clients tracked at once. */
  readonly maxKeys: number;
  // Map order is least recently used first: every consume re-inserts.
  readonly #entries = new Map<string, Entry>();

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? 10_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`MemoryRateLimitStore maxKeys must be a positive integer, got ${maxKeys}`);
    this.maxKeys = maxKeys;
  }

  /** How many clients are tracked now, expired entries not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  /** See {@link RateLimitStore.consume}. */
  consume(request: ConsumeRequest): ConsumeOutcome {
    this.#sweep(request.now);
    const { key, window, amount, limit, weight, now } = request;
    const entry = this.#entries.get(key);
    let current = 0;
    let previous = 0;
    if (entry !== undefined && entry.expires > now) {
      if (entry.window === window) {
        current = entry.current;
        previous = entry.previous;
      } else if (entry.window === window - 1) {
        previous = entry.current;
      }
    }
    const allowed = previous * weight + current + amount <= limit;
    if (allowed) current += amount;
    // Refused requests refresh the entry too: a client being refused is
    // active, and must not be the first one evicted.
    this.#entries.delete(key);
    this.#entries.set(key, { window, current, previous, expires: now + request.ttl });
    while (this.#entries.size > this.maxKeys) this.#entries.delete(this.#entries.keys().next().value!);
    return { allowed, current, previous };
  }

  /** See {@link RateLimitStore.refund}. */
  refund(key: string, window: number, amount: number): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    if (entry.window === window) entry.current = Math.max(0, entry.current - amount);
    else if (entry.window === window + 1) entry.previous = Math.max(0, entry.previous - amount);
  }

  #sweep(now: number): void {
    let looked = 0;
    for (const [key, entry] of this.#entries) {
      if (looked++ === SWEEP_PER_CALL || entry.expires > now) return;
      this.#entries.delete(key);
    }
  }
}
