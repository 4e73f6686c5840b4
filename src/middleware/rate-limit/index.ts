/**
 * Rate limiting: at most so many requests per client per window, then 429.
 *
 * @module tsgi/middleware/rate-limit
 */
export { rateLimit, type RateLimitOptions } from './rate-limit.js';
export { MemoryRateLimitStore, type MemoryRateLimitStoreOptions } from './memory-store.js';
export { RedisRateLimitStore, type RedisRateLimitStoreOptions, type RedisScriptClient } from './redis-store.js';
export type { ConsumeOutcome, ConsumeRequest, RateLimitStore } from './store.js';
export type { RateLimitAlgorithm, WindowCounts } from './window.js';
