/**
 * What a {@link rateLimit} backend does: count a client's units per window,
 * atomically checked against the limit.
 *
 * @module
 */
import type { WindowCounts } from './window.js';

/**
 * One request's claim on a client's budget, as {@link RateLimitStore.consume}
 * receives it.
 *
 * @example
 * ```ts
 * const claim: ConsumeRequest = { key: 'login:203.0.113.7', window: 29_000_000, amount: 1, limit: 5, weight: 0.25, now: Date.now(), ttl: 90_000 };
 * ```
 *
 * @category Stores
 */
export interface ConsumeRequest {
  /** The client's key, already prefixed with the policy's name. */
  readonly key: string;
  /** The number of the current window. */
  readonly window: number;
  /** The units this request costs (a whole number, 0 or more). */
  readonly amount: number;
  /** The most units the window may hold. */
  readonly limit: number;
  /** How much the previous window's count weighs (0 for a fixed window). */
  readonly weight: number;
  /** The limiter's clock, milliseconds since the epoch. */
  readonly now: number;
  /** Milliseconds the current window's counter must be kept: until the end of the next window. */
  readonly ttl: number;
}

/**
 * What {@link RateLimitStore.consume} decided, and the counters it saw.
 *
 * @example
 * ```ts
 * const outcome: ConsumeOutcome = { allowed: false, current: 5, previous: 2 };
 * ```
 *
 * @category Stores
 */
export interface ConsumeOutcome extends WindowCounts {
  /** Whether the units were counted; when false the counters are unchanged. */
  readonly allowed: boolean;
}

/**
 * A backend for {@link rateLimit}. `consume` must check and count in one
 * step, so that concurrent requests of one client (in one process or many)
 * can never together pass more than the limit.
 *
 * @example
 * ```ts
 * const store: RateLimitStore = new MemoryRateLimitStore({ maxKeys: 50_000 });
 * ```
 *
 * @category Stores
 */
export interface RateLimitStore {
  /**
   * Counts `amount` in the current window of `key` when
   * `previous × weight + current + amount ≤ limit`, and reports the
   * counters: after counting when allowed, as they were when not.
   */
  consume(request: ConsumeRequest): ConsumeOutcome | Promise<ConsumeOutcome>;
  /**
   * Takes back `amount` units counted in window `window` of `key` (never
   * below zero); a no-op once that window's counter is gone.
   */
  refund(key: string, window: number, amount: number): void | Promise<void>;
}
