/**
 * A session store in Redis, shared by every process that uses the same
 * server and key prefix.
 *
 * @module
 */
import { isSessionId } from './signing.js';
import { parseRecord, type SessionRecord, type SessionStore } from './store.js';

/**
 * The three commands a {@link RedisStore} sends, in the shape `ioredis`
 * clients have: an `ioredis` `Redis` or `Cluster` can be passed as it is.
 * For a `redis` (node-redis v4+) client, wrap it with {@link nodeRedisClient}.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * const client: RedisClientLike = new Redis('redis://127.0.0.1:6379');
 * ```
 *
 * @category Stores
 */
export interface RedisClientLike {
  /** `GET key`: the value, or `null`. */
  get(key: string): Promise<string | null>;
  /** `SET key value PX milliseconds`. */
  set(key: string, value: string, mode: 'PX', milliseconds: number): Promise<unknown>;
  /** `DEL key`. */
  del(key: string): Promise<unknown>;
}

/**
 * The part of a `redis` (node-redis v4+) client that {@link nodeRedisClient}
 * uses.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client: NodeRedisClientLike = await createClient({ url: process.env.REDIS_URL }).connect();
 * ```
 *
 * @category Stores
 */
export interface NodeRedisClientLike {
  /** `GET key`. */
  get(key: string): Promise<string | null>;
  /** `SET key value` with options, of which `PX` is used. */
  set(key: string, value: string, options: { PX: number }): Promise<unknown>;
  /** `DEL key`. */
  del(key: string): Promise<unknown>;
}

/**
 * Adapts a `redis` (node-redis v4+) client to {@link RedisClientLike}.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = new RedisStore({ client: nodeRedisClient(client) });
 * ```
 *
 * @category Stores
 */
export function nodeRedisClient(client: NodeRedisClientLike): RedisClientLike {
  return {
    get: (key) => client.get(key),
    set: (key, value, _mode, milliseconds) => client.set(key, value, { PX: milliseconds }),
    del: (key) => client.del(key),
  };
}

/**
 * Options for a {@link RedisStore}.
 *
 * @example
 * ```ts
 * const options: RedisStoreOptions = { client: new Redis(process.env.REDIS_URL!), prefix: 'shop:sess:' };
 * ```
 *
 * @category Stores
 */
export interface RedisStoreOptions {
  /** A connected client; the store never closes it. */
  client: RedisClientLike;
  /** Prepended to every id to make the key (default `tsgi:sess:`). */
  prefix?: string;
}

/**
 * Keeps each session as a JSON string under `<prefix><id>`, written with
 * `SET … PX ttl` so that Redis itself expires it. Every process given a
 * client for the same Redis and the same prefix sees the same sessions.
 * The store does not own the client: create, connect and quit it yourself.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * const app = sessions(myApp, { secrets: [process.env.SESSION_SECRET!], store: new RedisStore({ client: redis }) });
 * ```
 *
 * @category Stores
 */
export class RedisStore implements SessionStore {
  /** The key prefix in use. */
  readonly prefix: string;
  readonly #client: RedisClientLike;

  /** @throws TypeError when `client` lacks `get`, `set` or `del`. */
  constructor(options: RedisStoreOptions) {
    const client = options?.client as Partial<RedisClientLike> | undefined;
    if (typeof client?.get !== 'function' || typeof client.set !== 'function' || typeof client.del !== 'function') {
      throw new TypeError('RedisStore: `client` must have get, set and del (an ioredis client, or nodeRedisClient(client))');
    }
    this.#client = options.client;
    this.prefix = options.prefix ?? 'tsgi:sess:';
  }

  /** See {@link SessionStore.get}. */
  async get(id: string): Promise<SessionRecord | undefined> {
    if (!isSessionId(id)) return undefined;
    const text = await this.#client.get(this.prefix + id);
    return text === null ? undefined : parseRecord(text);
  }

  /** See {@link SessionStore.set}. */
  async set(id: string, record: SessionRecord, ttl: number): Promise<void> {
    if (!isSessionId(id)) throw new TypeError('RedisStore: refusing an id that is not a session id');
    await this.#client.set(this.prefix + id, JSON.stringify(record), 'PX', Math.max(1, Math.ceil(ttl)));
  }

  /** See {@link SessionStore.destroy}. */
  async destroy(id: string): Promise<void> {
    if (!isSessionId(id)) return;
    await this.#client.del(this.prefix + id);
  }
}
