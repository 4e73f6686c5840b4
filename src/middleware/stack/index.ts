/**
 * Composing middleware.
 *
 * @module tsgi/middleware/stack
 */
export { stack, type Middleware } from './stack.js';
