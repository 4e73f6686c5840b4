/**
 * A {@link RateLimitStore} in Redis, shared by every process that uses the
 * same server and key prefix.
 *
 * @module
 */
import type { ConsumeOutcome, ConsumeRequest, RateLimitStore } from './store.js';

/**
 * The one command a {@link RedisRateLimitStore} sends, `EVAL`, in the shape
 * `ioredis` clients have: an `ioredis` `Redis` or `Cluster` can be passed
 * as it is. For a `redis` (node-redis v4+) client, adapt its
 * `eval(script, { keys, arguments })`.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const client: RedisScriptClient = new Redis('redis://127.0.0.1:6379');
 * // node-redis:
 * const adapted: RedisScriptClient = {
 *   eval: (script, keyCount, ...args) =>
 *     nodeRedis.eval(script, { keys: args.slice(0, keyCount).map(String), arguments: args.slice(keyCount).map(String) }),
 * };
 * ```
 *
 * @category Stores
 */
export interface RedisScriptClient {
  /** `EVAL script numkeys key… arg…`. */
  eval(script: string, keyCount: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
}

/**
 * Options for a {@link RedisRateLimitStore}.
 *
 * @example
 * ```ts
 * const options: RedisRateLimitStoreOptions = { client: new Redis(process.env.REDIS_URL!), prefix: 'shop:rl:' };
 * ```
 *
 * @category Stores
 */
export interface RedisRateLimitStoreOptions {
  /** A connected client; the store never closes it. */
  client: RedisScriptClient;
  /** Prepended to every key (default `tsgi:rl:`). */
  prefix?: string;
}

// Check and count in one script, so that concurrent requests (from any
// number of processes) cannot together pass more than the limit.
// KEYS: the current window's counter, the previous window's.
// ARGV: amount, limit, previous weight, ttl in ms.
const CONSUME = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local amount = tonumber(ARGV[1])
if previous * tonumber(ARGV[3]) + current + amount > tonumber(ARGV[2]) then
  return {0, current, previous}
end
current = redis.call('INCRBY', KEYS[1], amount)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return {1, current, previous}
`;

// A refund of a counter that has expired must not bring it back, without
// an expiry, as a negative number.
const REFUND = `
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if current < 0 then return 0 end
local amount = math.min(current, tonumber(ARGV[1]))
return redis.call('DECRBY', KEYS[1], amount)
`;

/**
 * Keeps each client's counter for each window under
 * `<prefix><key>:<window>`, counted by a Lua script that checks and
 * increments in one step and gives the counter a `PEXPIRE` lasting until
 * the end of the next window, so that Redis itself forgets idle clients.
 * Every process given a client for the same Redis and prefix shares the
 * counts, which is what `--workers N` and several hosts need. The store
 * does not own the client: create, connect and quit it yourself.
 *
 * @throws TypeError when `client` has no `eval`.
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * const app = rateLimit(login, { limit: 5, windowMs: 60_000, store: new RedisRateLimitStore({ client: redis }) });
 * ```
 *
 * @category Stores
 */
export class RedisRateLimitStore implements RateLimitStore {
  /** The key prefix in use. */
  readonly prefix: string;
  readonly #client: RedisScriptClient;

  constructor(options: RedisRateLimitStoreOptions) {
    if (typeof (options?.client as Partial<RedisScriptClient> | undefined)?.eval !== 'function') {
      throw new TypeError('RedisRateLimitStore: `client` must have eval (an ioredis client, or an adapter)');
    }
    this.#client = options.client;
    this.prefix = options.prefix ?? 'tsgi:rl:';
  }

  /** See {@link RateLimitStore.consume}. */
  async consume(request: ConsumeRequest): Promise<ConsumeOutcome> {
    const { key, window, amount, limit, weight, ttl } = request;
    const reply = await this.#client.eval(
      CONSUME,
      2,
      this.#key(key, window),
      this.#key(key, window - 1),
      amount,
      limit,
      String(weight),
      Math.max(1, Math.ceil(ttl)),
    );
    if (!Array.isArray(reply) || reply.length !== 3) throw new Error(`RedisRateLimitStore: unexpected reply ${JSON.stringify(reply)}`);
    const [allowed, current, previous] = reply.map(Number) as [number, number, number];
    return { allowed: allowed === 1, current, previous };
  }

  /** See {@link RateLimitStore.refund}. */
  async refund(key: string, window: number, amount: number): Promise<void> {
    await this.#client.eval(REFUND, 1, this.#key(key, window), amount);
  }

  #key(key: string, window: number): string {
    return `${this.prefix}${key}:${window}`;
  }
}
