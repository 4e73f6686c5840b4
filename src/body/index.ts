/**
 * Request body helpers, usable from handlers and from plain function apps.
 *
 * @module
 */
export * from './media-type.js';
export * from './read.js';
export * from './urlencoded.js';
export * from './fields.js';
