/**
 * The `rateLimit` middleware: at most `limit` units per client per window,
 * then `429 Too Many Requests`.
 *
 * @module
 */
import { toApp, wrapApp } from '../../gateway/app.js';
import { renderError } from '../../gateway/error-page.js';
import { logError } from '../../gateway/errors.js';
import { HttpError } from '../../gateway/http-error.js';
import { proxyBody } from '../../gateway/response/body-proxy.js';
import type { App, AppLike, Body, Environ, ResponseHeaders, StartResponse } from '../../gateway/types.js';
import { rateLimitFields, seconds, type LimitState } from './fields.js';
import { MemoryRateLimitStore } from './memory-store.js';
import type { ConsumeOutcome, RateLimitStore } from './store.js';
import { msUntilFree, usedUnits, windowPosition, type RateLimitAlgorithm, type WindowCounts, type WindowPosition } from './window.js';

/**
 * Options for {@link rateLimit}.
 *
 * @example
 * ```ts
 * // Five failed logins per minute per client; a correct password costs nothing.
 * const options: RateLimitOptions = { name: 'login', limit: 5, windowMs: 60_000, countIf: (status) => status === 401 };
 * ```
 *
 * @category Middleware
 */
export interface RateLimitOptions {
  /** The most units a client may spend per window: a positive integer. */
  limit: number;
  /** The window in milliseconds: a positive integer (the fields round it up to whole seconds). */
  windowMs: number;
  /** `sliding` (the default) or `fixed`; see {@link RateLimitAlgorithm}. */
  algorithm?: RateLimitAlgorithm;
  /**
   * The policy's name: its identifier in the `RateLimit` fields and the
   * prefix of its keys in the store (default `default`). Letters, digits
   * and `_ . : -`, at most 64.
   */
  name?: string;
  /**
   * Which client a request counts against. The default is `REMOTE_ADDR`:
   * the peer's address, or the client's as `proxyHeaders` resolved it when
   * that layer is outside this one. Never key on a raw `X-Forwarded-For`,
   * which any client can write.
   */
  key?: (environ: Environ) => string;
  /** The units a request costs: a whole number, 0 or more (default 1). */
  cost?: (environ: Environ) => number;
  /** Requests for which this returns true are not limited, and get no fields. */
  skip?: (environ: Environ) => boolean;
  /**
   * Whether a response with this status code counts (default: every one).
   * The cost is reserved before the app runs, so concurrent requests cannot
   * slip past the limit, and given back when the response ends with a
   * status this rejects. A response whose app threw counts.
   */
  countIf?: (status: number) => boolean;
  /** Where counts live (default: a new {@link MemoryRateLimitStore}). */
  store?: RateLimitStore;
  /**
   * When the store fails: false (the default) answers `503` with
   * `Retry-After: 5`, true lets the request through unlimited. Both log
   * the failure to `tsgi.errors`.
   */
  failOpen?: boolean;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  clock?: () => number;
}

interface Policy {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly algorithm: RateLimitAlgorithm;
}

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const UNAVAILABLE = 'The rate limiter could not reach its store. Please try again shortly.';
const defaultKey = (environ: Environ): string => environ.REMOTE_ADDR ?? '';

/**
 * Lets each client spend at most `limit` units per `windowMs`; a request
 * that would go over gets `429 Too Many Requests` without reaching the app,
 * rendered by the gateway's error page (text, HTML or problem details, as
 * the client's `Accept` asks) with `Retry-After` in seconds (RFC 9110
 * §10.2.3). Refused requests are not counted, so `Retry-After` holds: a
 * client that waits that long gets in. Works with any App or app class.
 *
 * Every limited response, 429 or not, carries the fields of
 * draft-ietf-httpapi-ratelimit-headers-10:
 * `RateLimit-Policy: "<name>";q=<limit>;w=<window s>` and
 * `RateLimit: "<name>";r=<remaining>;t=<s until more quota is free>`.
 *
 * **Counting.** The cost is checked and counted in one store step before
 * the app runs, so 300 concurrent requests pass no more than `limit`. With
 * `countIf`, the cost is given back when the response ends with a status
 * that should not count: `countIf: (s) => s === 401` in front of
 * `basicAuth` limits wrong passwords only, and a correct one costs
 * nothing. A refund happens before the body reports its end, so the
 * client's next request sees it; with `countIf`, a sync body becomes async.
 *
 * **Keys.** Behind a reverse proxy, put `proxyHeaders` *outside*
 * `rateLimit` so that `REMOTE_ADDR` is the client's address; otherwise
 * every client shares the proxy's budget. A client with many addresses
 * (an IPv6 /64, a botnet) gets a budget per address; key on something
 * coarser with `key` where that matters.
 *
 * **Algorithms.** `sliding` (the default) is the sliding-window counter:
 * two counters per client, O(1) memory and one atomic store step per
 * request, where a sliding log would keep a timestamp per request (up to
 * `limit` per client) — too much to hold for a flood of clients. It
 * assumes the previous window's requests were spread evenly; `fixed`
 * counts exactly per window but lets a client spend twice the limit
 * across a boundary.
 *
 * @throws TypeError or RangeError for a bad limit, window, name, algorithm,
 *   hook or store; a `cost` hook returning anything but a whole number 0
 *   or more throws TypeError when the request arrives.
 * @example
 * ```ts
 * const guarded = rateLimit(basicAuth(page, { realm: 'staff', verify }), {
 *   name: 'login',
 *   limit: 5,
 *   windowMs: 60_000,
 *   countIf: (status) => status === 401,
 * });
 * makeServer('127.0.0.1', 8080, proxyHeaders(guarded, { trust: ['loopback'] })).serveForever();
 * ```
 *
 * @category Middleware
 */
export function rateLimit(app: AppLike, options: RateLimitOptions): App {
  const inner = toApp(app);
  const policy = configure(options);
  const store = options.store ?? new MemoryRateLimitStore();
  const key = options.key ?? defaultKey;
  const cost = options.cost ?? (() => 1);
  const { skip, countIf } = options;
  const clock = options.clock ?? Date.now;
  const failOpen = options.failOpen === true;

  return wrapApp(app, async function rateLimited(environ: Environ, startResponse: StartResponse): Promise<Body> {
    if (skip?.(environ) === true) return inner(environ, startResponse);
    const amount = cost(environ);
    if (!Number.isInteger(amount) || amount < 0) throw new TypeError(`rateLimit: cost() must return a whole number 0 or more, got ${String(amount)}`);
    const storeKey = `${policy.name}:${key(environ)}`;
    const now = clock();
    const at = windowPosition(now, policy.windowMs, policy.algorithm);
    let outcome: ConsumeOutcome;
    try {
      outcome = await store.consume({
        key: storeKey,
        window: at.index,
        amount,
        limit: policy.limit,
        weight: at.weight,
        now,
        ttl: 2 * policy.windowMs - at.elapsed,
      });
    } catch (error) {
      logError(environ['tsgi.errors'], error, `rateLimit: the store failed; ${failOpen ? 'let the request through' : 'answered 503'}`);
      if (failOpen) return inner(environ, startResponse);
      return answer(environ, startResponse, new HttpError(503, UNAVAILABLE, { headers: [['Retry-After', '5']] }));
    }
    if (!outcome.allowed) return answer(environ, startResponse, tooMany(policy, amount, outcome, at));

    let status: number | undefined;
    const limitedStart: StartResponse = (statusLine, headers, excInfo) => {
      status = Number.parseInt(String(statusLine), 10);
      const counted = countIf === undefined || !Number.isInteger(status) || countIf(status);
      const counts = counted ? outcome : { current: outcome.current - amount, previous: outcome.previous };
      // A malformed header list goes on as it is, for the host to refuse.
      const withFields = Array.isArray(headers) ? [...headers, ...rateLimitFields(stateOf(policy, counts, at))] : headers;
      return excInfo === undefined ? startResponse(statusLine, withFields) : startResponse(statusLine, withFields, excInfo);
    };
    const body = await inner(environ, limitedStart);
    if (countIf === undefined) return body;
    const refund = async (): Promise<void> => {
      if (status === undefined || !Number.isInteger(status) || countIf(status) || amount === 0) return;
      try {
        await store.refund(storeKey, at.index, amount);
      } catch (error) {
        logError(environ['tsgi.errors'], error, 'rateLimit: giving back a request that should not count failed');
      }
    };
    return proxyBody(body, { end: refund }, { async: true });
  });
}

function configure(options: RateLimitOptions): Policy {
  const { limit, windowMs } = options;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`rateLimit limit must be a positive integer, got ${String(limit)}`);
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new RangeError(`rateLimit windowMs must be a positive integer, got ${String(windowMs)}`);
  const name = options.name ?? 'default';
  if (!NAME.test(name)) throw new TypeError(`rateLimit name must be 1–64 letters, digits or _ . : -, got ${JSON.stringify(name)}`);
  const algorithm = options.algorithm ?? 'sliding';
  if (algorithm !== 'fixed' && algorithm !== 'sliding') throw new TypeError(`rateLimit algorithm must be 'fixed' or 'sliding', got ${JSON.stringify(algorithm)}`);
  for (const hook of ['key', 'cost', 'skip', 'countIf', 'clock'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') throw new TypeError(`rateLimit ${hook} must be a function`);
  }
  const store = options.store as Partial<RateLimitStore> | undefined;
  if (store !== undefined && (typeof store.consume !== 'function' || typeof store.refund !== 'function')) {
    throw new TypeError('rateLimit store must have consume and refund (a RateLimitStore)');
  }
  return { name, limit, windowMs, algorithm };
}

function stateOf(policy: Policy, counts: WindowCounts, at: WindowPosition): LimitState {
  const remaining = Math.max(0, Math.floor(policy.limit - usedUnits(counts, at.weight)));
  // More quota is free once one unit more than `remaining` fits.
  const resetMs = remaining >= policy.limit ? 0 : msUntilFree(remaining + 1, counts, at, policy);
  return { name: policy.name, limit: policy.limit, windowMs: policy.windowMs, remaining, resetMs };
}

function tooMany(policy: Policy, amount: number, counts: WindowCounts, at: WindowPosition): HttpError {
  const wait = msUntilFree(amount, counts, at, policy);
  const fields = rateLimitFields(stateOf(policy, counts, at));
  const headers: ResponseHeaders = [...fields, ['Cache-Control', 'no-store']];
  const per = `${policy.limit} per ${seconds(policy.windowMs)} s`;
  if (!Number.isFinite(wait)) {
    return new HttpError(429, `This request costs ${amount}, more than the limit of ${per} allows.`, { headers });
  }
  const retryAfter = Math.max(1, seconds(wait));
  headers.unshift(['Retry-After', String(retryAfter)]);
  return new HttpError(429, `Too many requests from this client (the limit is ${per}). Try again in ${retryAfter} s.`, {
    headers,
    extensions: { limit: policy.limit, window: seconds(policy.windowMs), retryAfter },
  });
}

function answer(environ: Environ, startResponse: StartResponse, error: HttpError): string[] {
  const page = renderError(error, environ.HTTP_ACCEPT);
  startResponse(page.status, page.headers);
  return environ.REQUEST_METHOD === 'HEAD' ? [] : [page.body];
}
