/**
 * Falling through a list of apps.
 *
 * @module
 */
export { cascade, type CascadeOptions } from './cascade.js';
