/**
 * The response fields of {@link rateLimit}: `RateLimit-Policy` and
 * `RateLimit` as draft-ietf-httpapi-ratelimit-headers-10 defines them, and
 * `Retry-After` (RFC 9110 §10.2.3).
 *
 * @module
 */
import type { ResponseHeaders } from '../../gateway/types.js';

/**
 * What the fields describe: the policy, and where one client stands in it.
 *
 * @example
 * ```ts
 * const state: LimitState = { name: 'login', limit: 5, windowMs: 60_000, remaining: 2, resetMs: 41_000 };
 * ```
 */
export interface LimitState {
  /** The policy's name, its identifier in both fields. */
  readonly name: string;
  /** The quota: units per window. */
  readonly limit: number;
  /** The window, in milliseconds. */
  readonly windowMs: number;
  /** Units the client may still spend now. */
  readonly remaining: number;
  /** Milliseconds until more quota is free (0 when none is used). */
  readonly resetMs: number;
}

/** Whole seconds, rounded up: a client told to wait must not come back early. */
export function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/**
 * `RateLimit-Policy: "<name>";q=<limit>;w=<seconds>` and
 * `RateLimit: "<name>";r=<remaining>;t=<seconds>`. The policy is a
 * Structured Fields string, so the name is quoted (it is checked to need
 * no escapes). No partition key (`pk`) is sent: it would reveal how
 * clients are told apart.
 *
 * @example
 * ```ts
 * rateLimitFields({ name: 'login', limit: 5, windowMs: 60_000, remaining: 2, resetMs: 41_000 });
 * // [['RateLimit-Policy', '"login";q=5;w=60'], ['RateLimit', '"login";r=2;t=41']]
 * ```
 */
export function rateLimitFields(state: LimitState): ResponseHeaders {
  return [
    ['RateLimit-Policy', `"${state.name}";q=${state.limit};w=${Math.max(1, seconds(state.windowMs))}`],
    ['RateLimit', `"${state.name}";r=${state.remaining};t=${seconds(state.resetMs)}`],
  ];
}
