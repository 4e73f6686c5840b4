/**
 * Cross-origin resource sharing: preflights, `Access-Control-*` and `Vary: Origin`.
 *
 * @module tsgi/middleware/cors
 */
export { cors } from './cors.js';
export type { CorsOptions, CorsOrigins } from './policy.js';
