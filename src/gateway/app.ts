/**
 * Turning what users hand to a server into an {@link App}.
 *
 * @module
 */
import type { App, AppClass, AppLike, Body, Environ, StartResponse } from './types.js';

const classApps = new WeakMap<AppClass, App>();

/**
 * The key of an optional static method through which an {@link AppClass}
 * answers a request itself, called as `AppClass[ANSWER](environ,
 * startResponse)` with the class as `this`. It must answer exactly as
 * constructing the class and iterating the instance would; it may return a
 * different body (an array once the answer is known), which is why hosts
 * reach a class only through {@link toApp}. `BaseHandler` uses it to send a
 * body its method returned synchronously without an async iteration.
 *
 * @example
 * ```ts
 * class Hello {
 *   static [ANSWER](environ: Environ, startResponse: StartResponse): Body {
 *     startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
 *     return ['Hello world!\n'];
 *   }
 *   constructor(environ: Environ, startResponse: StartResponse) {
 *     startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
 *   }
 *   *[Symbol.iterator]() { yield 'Hello world!\n'; }
 * }
 * ```
 *
 * @category Apps and bodies
 */
export const ANSWER: unique symbol = Symbol.for('tsgi.answer');

type Answering = AppClass & { [ANSWER]?: (this: AppClass, environ: Environ, startResponse: StartResponse) => Body | Promise<Body> };

/**
 * Whether `candidate` is an {@link AppClass}: a class whose instances are
 * iterable, like `BaseHandler` subclasses. Plain functions are apps instead.
 *
 * @example
 * ```ts
 * isAppClass(class extends BaseHandler {}); // true
 * isAppClass((environ, start) => []);       // false
 * ```
 *
 * @category Apps and bodies
 */
export function isAppClass(candidate: unknown): candidate is AppClass {
  if (typeof candidate !== 'function') return false;
  // Generator functions have iterable prototypes too, but they are apps
  // (called, not constructed).
  const kind = (candidate as { constructor?: { name?: string } }).constructor?.name;
  if (kind === 'GeneratorFunction' || kind === 'AsyncGeneratorFunction') return false;
  const proto: unknown = candidate.prototype;
  return (
    typeof proto === 'object' &&
    proto !== null &&
    (typeof (proto as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function' ||
      typeof (proto as Record<symbol, unknown>)[Symbol.iterator] === 'function')
  );
}

/**
 * Whether `candidate` can be hosted: an App function or an {@link AppClass}.
 *
 * @example
 * ```ts
 * isAppLike(simpleApp); // true
 * isAppLike(42);        // false
 * ```
 *
 * @category Apps and bodies
 */
export function isAppLike(candidate: unknown): candidate is AppLike {
  return typeof candidate === 'function';
}

/**
 * Returns an {@link App} for an App or an {@link AppClass}. A class becomes a
 * function that constructs one instance per request and returns it as the
 * body, or that calls the class's {@link ANSWER} method when it has one.
 * The same class always yields the same function.
 *
 * @example
 * ```ts
 * const app = toApp(GuessHandler);
 * makeServer('127.0.0.1', 8080, app);
 * ```
 *
 * @category Apps and bodies
 */
export function toApp(appLike: AppLike): App {
  if (!isAppClass(appLike)) return appLike as App;
  let app = classApps.get(appLike);
  if (app === undefined) {
    const AppConstructor: Answering = appLike;
    const answer = AppConstructor[ANSWER];
    app =
      typeof answer === 'function'
        ? (environ: Environ, startResponse: StartResponse): Body | Promise<Body> => answer.call(AppConstructor, environ, startResponse)
        : (environ: Environ, startResponse: StartResponse): Body => new AppConstructor(environ, startResponse);
    Object.defineProperty(app, 'name', { value: AppConstructor.name });
    classApps.set(appLike, app);
  }
  return app;
}

// Where a middleware's App keeps the app it wraps, so a host can name what
// it serves after the app rather than after the outermost wrapper.
const WRAPPED = new WeakMap<App, AppLike>();

/**
 * Marks `outer` as a wrapper of `inner` and returns it. Middleware calls it
 * on the App it returns, so that `appName` sees through it.
 *
 * @example
 * ```ts
 * function timed(app: AppLike): App {
 *   const inner = toApp(app);
 *   return wrapApp(app, (environ, startResponse) => inner(environ, startResponse));
 * }
 * ```
 *
 * @category Apps and bodies
 */
export function wrapApp(inner: AppLike, outer: App): App {
  WRAPPED.set(outer, inner);
  return outer;
}

/**
 * The name of the app at the heart of a middleware stack: the innermost
 * named app found through the wrappers marked with {@link wrapApp}, else
 * `app`.
 *
 * @example
 * ```ts
 * appName(accessLog(compress(GuessHandler))); // 'GuessHandler'
 * ```
 */
export function appName(app: AppLike): string {
  let current: AppLike | undefined = app;
  let found = '';
  for (let depth = 0; current !== undefined && depth < 64; depth++) {
    if (current.name !== '') found = current.name;
    current = WRAPPED.get(current as App);
  }
  return found === '' ? 'app' : found;
}
