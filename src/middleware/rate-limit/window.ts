/**
 * Window arithmetic for {@link rateLimit}: which window a moment falls in,
 * how much of the budget is used, and how long until more is free.
 *
 * Both algorithms keep one counter per client per window. The fixed window
 * reads only the current counter. The sliding window is the sliding-window
 * counter: it also reads the previous window's counter, weighted by the
 * share of that window still inside the last `windowMs`, which assumes the
 * previous window's requests were spread evenly across it.
 *
 * @module
 */

/**
 * How requests are counted: `fixed` windows start afresh at each multiple
 * of `windowMs` (a client can spend up to twice the limit across a window
 * boundary); `sliding` approximates the last `windowMs` from the current
 * and the previous window's counters, which smooths that burst away while
 * keeping two numbers per client.
 *
 * @example
 * ```ts
 * const algorithm: RateLimitAlgorithm = 'sliding';
 * ```
 *
 * @category Helpers
 */
export type RateLimitAlgorithm = 'fixed' | 'sliding';

/**
 * Where a moment falls: in which window, and how far into it.
 *
 * @example
 * ```ts
 * const at: WindowPosition = windowPosition(90_000, 60_000, 'sliding'); // { index: 1, elapsed: 30000, weight: 0.5 }
 * ```
 */
export interface WindowPosition {
  /** The window's number: the moment divided by `windowMs`, rounded down. */
  readonly index: number;
  /** Milliseconds since the window began. */
  readonly elapsed: number;
  /** How much the previous window's count still weighs, 0 to 1 (always 0 for `fixed`). */
  readonly weight: number;
}

/**
 * The counters of one client that a store reports.
 *
 * @example
 * ```ts
 * const counts: WindowCounts = { current: 3, previous: 4 };
 * ```
 *
 * @category Helpers
 */
export interface WindowCounts {
  /** Units counted in the current window. */
  readonly current: number;
  /** Units counted in the window before it. */
  readonly previous: number;
}

/**
 * The window `now` (milliseconds since the epoch) falls in.
 *
 * @example
 * ```ts
 * windowPosition(90_000, 60_000, 'fixed'); // { index: 1, elapsed: 30000, weight: 0 }
 * ```
 */
export function windowPosition(now: number, windowMs: number, algorithm: RateLimitAlgorithm): WindowPosition {
  const index = Math.floor(now / windowMs);
  const elapsed = now - index * windowMs;
  return { index, elapsed, weight: algorithm === 'fixed' ? 0 : 1 - elapsed / windowMs };
}

/**
 * The units counted against the limit right now.
 *
 * @example
 * ```ts
 * usedUnits({ current: 3, previous: 4 }, 0.5); // 5
 * ```
 */
export function usedUnits(counts: WindowCounts, weight: number): number {
  return counts.previous * weight + counts.current;
}

/**
 * Milliseconds from the moment `at` until `units` more would fit under
 * `limit`, if nothing else is counted meanwhile: 0 when they fit now,
 * `Infinity` when they never can (more units than the limit).
 *
 * @example
 * ```ts
 * const at = windowPosition(90_000, 60_000, 'fixed');
 * msUntilFree(1, { current: 5, previous: 0 }, at, { limit: 5, windowMs: 60_000, algorithm: 'fixed' }); // 30000
 * ```
 */
export function msUntilFree(
  units: number,
  counts: WindowCounts,
  at: WindowPosition,
  policy: { readonly limit: number; readonly windowMs: number; readonly algorithm: RateLimitAlgorithm },
): number {
  const { limit, windowMs } = policy;
  if (units > limit) return Infinity;
  if (usedUnits(counts, at.weight) + units <= limit) return 0;
  const untilNext = windowMs - at.elapsed;
  if (policy.algorithm === 'fixed') return untilNext;
  if (counts.current + units <= limit) {
    // Waiting within this window: the previous count fades until it leaves room.
    const weight = (limit - counts.current - units) / counts.previous;
    return Math.max(0, windowMs * (1 - weight) - at.elapsed);
  }
  // This window's own count is too high: in the next one it becomes the
  // previous count and fades in turn.
  return untilNext + windowMs * (1 - (limit - units) / counts.current);
}
