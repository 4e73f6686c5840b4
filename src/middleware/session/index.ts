/**
 * Sessions: the `sessions` middleware and its stores.
 *
 * @module tsgi/middleware/session
 */
export { sessions, type SessionOptions } from './middleware.js';
export { CookieStore, type CookieStoreOptions } from './cookie-store.js';
export { asRecord, parseRecord, type SessionRecord, type SessionStore } from './store.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { FileStore, type FileStoreOptions } from './file-store.js';
export {
  nodeRedisClient,
  RedisStore,
  type NodeRedisClientLike,
  type RedisClientLike,
  type RedisStoreOptions,
} from './redis-store.js';
