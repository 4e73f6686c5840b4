/**
 * Cross-origin request protection, with optional session-bound form tokens.
 *
 * @module tsgi/middleware/csrf
 */
export { csrf, type CsrfOptions, type CsrfToken } from './csrf.js';
export type { BypassRule } from './origin-check.js';
export type { CsrfTokenOptions } from './tokens.js';
