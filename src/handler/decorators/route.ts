/**
 * `@route`: the path pattern of a handler class's item paths.
 *
 * @module
 */
import { classTarget, type HandlerClassDecorator } from './forms.js';
import { compileRoute } from '../route-pattern.js';

/**
 * Gives the class a path pattern for its item paths (see
 * `compileRoute`). A matching `PATH_INFO` fills `this.params`; one that
 * does not match gets a 404. The collection root (`''` or `'/'`) still goes
 * to the `doXALL` methods; when the class has none for a method and the
 * pattern does not match the root, the root gets a 404 (or a 405 if the
 * class has other root methods).
 *
 * @example
 * ```ts
 * @route('/:name')
 * class Users extends BaseHandler {
 *   doGETALL() { return 'all users'; }
 *   doGET(@param('name') name: string) { return `user ${name}`; }
 * }
 * ```
 *
 * @category Hooks and routes
 */
export function route(pattern: string): HandlerClassDecorator {
  const compiled = compileRoute(pattern);
  return (first: Function, second?: unknown): void => {
    classTarget('route', first, second).route = compiled;
  };
}
