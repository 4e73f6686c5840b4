/**
 * Composing middleware.
 *
 * @module
 */
export { stack, type Middleware } from './stack.js';
