/**
 * `@before` and `@after` hooks, on one method or on a whole class.
 *
 * @module
 */
import type { BaseHandler } from '../base-handler.js';
import type { RecordedAfterHook, RecordedBeforeHook } from '../metadata.js';
import { classOrMethodTarget, type HandlerClassDecorator, type HandlerMethodDecorator } from './forms.js';
import type { HandlerResult } from '../result.js';

/**
 * A `@before` hook: runs ahead of the `doX` method with the handler
 * instance, and may throw an {@link tsgi!HttpError} to answer instead.
 *
 * @example
 * ```ts
 * const requireToken: BeforeHook = (handler) => {
 *   if (handler.environ.HTTP_X_TOKEN !== 'secret') throw HttpError.unauthorized('token required');
 * };
 * ```
 *
 * @category Hooks and routes
 */
export type BeforeHook<H = BaseHandler> = (handler: H) => void | Promise<void>;

/**
 * An `@after` hook: runs after the `doX` method with the handler and its
 * result. Returning a value other than `undefined` replaces the result.
 *
 * @example
 * ```ts
 * const shout: AfterHook = (_handler, result) => (typeof result === 'string' ? result.toUpperCase() : undefined);
 * ```
 *
 * @category Hooks and routes
 */
export type AfterHook<H = BaseHandler> = (handler: H, result: HandlerResult) => HandlerResult | Promise<HandlerResult>;

/**
 * A decorator usable on a class or on one of its methods.
 *
 * @example
 * ```ts
 * const logged: ClassOrMethodDecorator = before((handler) => handler.environ['tsgi.errors'].write('hit\n'));
 * ```
 *
 * @category Hooks and routes
 */
export interface ClassOrMethodDecorator extends HandlerClassDecorator, HandlerMethodDecorator {
  /** The legacy call on a class (no key) or a method. */
  (target: object, key?: string | symbol, descriptor?: PropertyDescriptor): void;
  /** The TC39 standard call on a class or a method. */
  (value: Function, context: ClassDecoratorContext | ClassMethodDecoratorContext): void;
}

/**
 * Runs `hook` with the handler before the `doX` method, before its
 * parameters are bound (so a refusal costs no body read). The hook may throw
 * an {@link tsgi!HttpError} to answer instead, or call `start()`. Hooks nest like
 * wrappers: class hooks (base class first) outside method hooks, and stacked
 * hooks in the order written.
 *
 * @example
 * ```ts
 * const requireToken = (handler: BaseHandler): void => {
 *   if (handler.environ.HTTP_AUTHORIZATION !== 'Bearer secret') {
 *     throw HttpError.unauthorized('a bearer token is required', { headers: [['WWW-Authenticate', 'Bearer']] });
 *   }
 * };
 * @before(requireToken)
 * class Admin extends BaseHandler {
 *   doGET() { return 'secret page'; }
 * }
 * ```
 *
 * @category Hooks and routes
 */
export function before<H extends BaseHandler>(hook: BeforeHook<H>): ClassOrMethodDecorator {
  return (first: object, second?: unknown): void => {
    const hooks = classOrMethodTarget('before', first, second).before;
    // Decorators apply bottom-up; unshift keeps the written order.
    hooks.unshift(hook as RecordedBeforeHook);
  };
}

/**
 * Runs `hook` with the handler and the method's result after the `doX`
 * method returns (not when it throws). A return value other than `undefined`
 * replaces the result. Inner hooks run first: method hooks before class
 * hooks, and of stacked hooks the one nearest the method first.
 *
 * @example
 * ```ts
 * class Page extends BaseHandler {
 *   @after((handler, result) => (typeof result === 'string' ? `${result}<footer>tsgi</footer>` : undefined))
 *   doGET() { return '<p>body</p>'; }
 * }
 * ```
 *
 * @category Hooks and routes
 */
export function after<H extends BaseHandler>(hook: AfterHook<H>): ClassOrMethodDecorator {
  return (first: object, second?: unknown): void => {
    const hooks = classOrMethodTarget('after', first, second).after;
    hooks.push(hook as RecordedAfterHook);
  };
}
