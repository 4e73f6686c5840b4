/**
 * The two ways a decorator is called: TypeScript's legacy decorators
 * (`experimentalDecorators`: `(prototype, key, descriptor)` for a method,
 * `(constructor)` for a class) and TC39 standard decorators (`(value,
 * context)`), and where each form's declarations are recorded.
 *
 * @module
 */
import { classRecord, functionMethodRecord, methodRecord, type ClassRecord, type MethodRecord } from '../metadata.js';

/**
 * The type of a method decorator that works in both modes: TypeScript
 * checks a legacy call against the first signature and a standard call
 * against the second.
 *
 * @example
 * ```ts
 * const created: HandlerMethodDecorator = status(201);
 * ```
 *
 * @category Method decorators
 */
export interface HandlerMethodDecorator {
  /** The legacy call, `experimentalDecorators`. */
  (target: object, key: string | symbol, descriptor?: PropertyDescriptor): void;
  /** The TC39 standard call. */
  (value: Function, context: ClassMethodDecoratorContext): void;
}

/**
 * The type of a class decorator that works in both modes.
 *
 * @example
 * ```ts
 * const items: HandlerClassDecorator = route('/:id');
 * ```
 *
 * @category Hooks and routes
 */
export interface HandlerClassDecorator {
  /** The legacy call, `experimentalDecorators`. */
  (target: Function): void;
  /** The TC39 standard call. */
  (value: Function, context: ClassDecoratorContext): void;
}

function isContext(value: unknown): value is DecoratorContext {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

/**
 * The method record a method decorator writes to, for either call form.
 *
 * A standard method decorator is given the method's function but no class:
 * the class does not exist yet when it runs. Of what else it could use,
 * `context.metadata` is `undefined` under TypeScript's emit whenever
 * `Symbol.metadata` is (Node 20, unless something polyfills it), and an
 * initializer added by `context.addInitializer` runs at each construction,
 * too late for a class planned when its App is made. The function itself is
 * what every emit (tsc, swc, Babel) hands over and then puts on the
 * prototype, so the record is keyed by it and found there when the class is
 * planned. (A decorator written above tsgi's that replaces the method with
 * a wrapper hides the record; one written below it is harmless.)
 */
export function methodTarget(decorator: string, first: unknown, second: unknown): MethodRecord {
  if (isContext(second)) {
    if (second.kind !== 'method') throw new TypeError(`@${decorator} decorates doX methods, not a ${second.kind}`);
    const context = second as ClassMethodDecoratorContext;
    if (context.static || context.private) {
      throw new TypeError(`@${decorator} decorates doX instance methods, not the ${context.static ? 'static' : 'private'} ${String(context.name)}`);
    }
    return functionMethodRecord(first as Function);
  }
  if (second === undefined) throw new TypeError(`@${decorator} decorates doX methods, not classes`);
  // A legacy decorator of a static member is given the constructor itself.
  if (typeof first === 'function') throw new TypeError(`@${decorator} decorates doX instance methods, not the static ${String(second)}`);
  return methodRecord(first as object, second as string | symbol);
}

/** The class record a class decorator writes to, for either call form. */
export function classTarget(decorator: string, first: unknown, second: unknown): ClassRecord {
  if (isContext(second) && second.kind !== 'class') throw new TypeError(`@${decorator} decorates a class, not a ${second.kind}`);
  if (typeof first !== 'function') throw new TypeError(`@${decorator} decorates a class`);
  return classRecord(first);
}

/**
 * The record a decorator usable on both classes and methods writes to:
 * `undefined` as the second argument (legacy) or a class context (standard)
 * means the class.
 */
export function classOrMethodTarget(decorator: string, first: unknown, second: unknown): ClassRecord | MethodRecord {
  if (second === undefined || (isContext(second) && second.kind === 'class')) return classTarget(decorator, first, second);
  return methodTarget(decorator, first, second);
}
