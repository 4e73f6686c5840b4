/**
 * Composing middleware around an app.
 *
 * @module
 */
import { toApp } from '../../gateway/app.js';
import type { App, AppLike } from '../../gateway/types.js';

/**
 * A middleware with its options already applied: takes an app, returns the
 * app wrapped. Middleware whose options are all optional (`compress`,
 * `accessLog`, `httpErrors`, …) fit as they are; others take a small arrow,
 * `(app) => basicAuth(app, { realm, verify })`.
 *
 * @example
 * ```ts
 * const protect: Middleware = (app) => basicAuth(app, { realm: 'staff', verify });
 * ```
 *
 * @category Middleware
 */
export type Middleware = (app: App) => App;

/**
 * Wraps `app` in each middleware in turn, reading like the order the request
 * meets them from the inside out: the **first listed is innermost** (closest
 * to the app) and the **last listed is outermost** (the first to see the
 * request and the last to see the response). `stack(app, a, b, c)` is
 * `c(b(a(app)))`.
 *
 * Put `accessLog` last so it times and counts everything, and `compress`
 * outside anything that produces bodies (`showErrors`, `staticFiles`) so
 * those are compressed too.
 *
 * @example
 * ```ts
 * const site = stack(
 *   app,
 *   (inner) => basicAuth(inner, { realm: 'staff', verify: staticCredentials({ ada: 'lovelace' }) }),
 *   (inner) => showErrors(inner, { debug: false }),
 *   compress,
 *   accessLog, // outermost: logs the final status and bytes
 * );
 * ```
 *
 * @category Middleware
 */
export function stack(app: AppLike, ...middlewares: Middleware[]): App {
  let wrapped = toApp(app);
  for (const middleware of middlewares) wrapped = middleware(wrapped);
  return wrapped;
}
