/**
 * Class-based request handlers.
 *
 * @module
 */
export * from './base-handler.js';
export * from './dispatch.js';
