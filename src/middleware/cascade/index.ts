/**
 * Falling through a list of apps.
 *
 * @module tsgi/middleware/cascade
 */
export { cascade, type CascadeOptions } from './cascade.js';
