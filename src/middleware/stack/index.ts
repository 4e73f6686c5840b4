/**
 * Composing middleware, and the body helpers middleware is built from.
 *
 * @module
 */
export { stack, type Middleware } from './stack.js';
export { tapBody, closeBody, type BodyTap, type BodyOutcome } from './body-tap.js';
