/**
 * `validate()`: a conformance checker for both sides of the gateway, after
 * Python's `wsgiref.validate` and Rack::Lint.
 *
 * @module
 */
import { isAppLike, toApp } from '../app.js';
import { isBody } from '../body.js';
import { isThenable } from '../thenable.js';
import type { App, AppLike, Body, Environ, StartResponse } from '../types.js';
import { validatedBody } from './body.js';
import { checkEnviron } from './environ.js';
import { validatedStartResponse } from './response.js';
import { describe } from './describe.js';
import { ValidationError } from './validation-error.js';
import { ValidatedErrors, ValidatedInput } from './streams.js';
import { RequestTracker, type ViolationHandler } from './tracker.js';
import { checkAcceptedBody, watchWebSocket } from './websocket.js';

export type { ViolationHandler } from './tracker.js';

/**
 * Options for {@link validate}.
 *
 * @example
 * ```ts
 * const violations: ValidationError[] = [];
 * const options: ValidateOptions = { onViolation: (error) => violations.push(error) };
 * ```
 *
 * @category Validator
 */
export interface ValidateOptions {
  /**
   * Receives violations that the app might never see thrown: those noticed
   * after the fact (`body-return`), and those thrown into the app by
   * `startResponse` and `write`, which it could catch and swallow. By
   * default {@link reportViolation}.
   */
  onViolation?: ViolationHandler;
}

/**
 * The default {@link ViolationHandler}: writes the violation to the request's
 * `tsgi.errors` and emits a process warning, so it shows up both in the
 * server's log and on the console.
 *
 * @example
 * ```ts
 * const app = validate(myApp, {
 *   onViolation: (error, environ) => { seen.push(error); reportViolation(error, environ); },
 * });
 * ```
 *
 * @category Validator
 */
export function reportViolation(error: ValidationError, environ: Environ): void {
  try {
    environ['tsgi.errors'].write(`tsgi validate: ${error.message}\n`);
  } catch {
    // The warning below still carries the message.
  }
  process.emitWarning(error.message, { type: 'ValidationWarning', code: error.rule });
}

/**
 * Wraps an app so that every request through it is checked against the
 * gateway's rules, on both sides: the environ, input and error streams and
 * startResponse's behaviour that the server provides, and the status,
 * headers and body that the app produces. A breach throws a
 * {@link ValidationError} whose `rule` is one of {@link VALIDATION_RULES};
 * breaches noticed only later go to `options.onViolation`.
 *
 * A correct app under a correct server behaves exactly as without the
 * validator, except that `tsgi.input` and `tsgi.errors` in the environ are
 * replaced by checking wrappers (as `wsgiref.validate` does), and an async
 * body stays async while a sync body stays sync.
 *
 * @example
 * ```ts
 * const server = makeServer('127.0.0.1', 8080, validate(myApp));
 * ```
 *
 * @category Validator
 */
export function validate(app: AppLike, options: ValidateOptions = {}): App {
  if (!isAppLike(app)) {
    throw new TypeError(`validate() takes an app function or app class, got ${describe(app)}`);
  }
  const inner = toApp(app);
  const onViolation = options.onViolation ?? reportViolation;
  const report: ViolationHandler = (error, environ) => {
    try {
      onViolation(error, environ);
    } catch (handlerError) {
      // A deferred report runs outside any caller; a throwing handler must
      // not crash the process.
      process.emitWarning(`onViolation threw while reporting ${error.message}: ${String(handlerError)}`, 'ValidationWarning');
    }
  };

  const validated = (environ: Environ, startResponse: StartResponse): Body | Promise<Body> => {
    if (typeof startResponse !== 'function') {
      throw new ValidationError('start-response-api', `the app must be given a startResponse function, got ${describe(startResponse)}`);
    }
    checkEnviron(environ);
    const tracker = new RequestTracker(environ, report);
    environ['tsgi.input'] = new ValidatedInput(environ['tsgi.input'], tracker);
    environ['tsgi.errors'] = new ValidatedErrors(environ['tsgi.errors']);
    const result: unknown = inner(environ, watchWebSocket(tracker, validatedStartResponse(startResponse, tracker)));
    if (isBody(result)) {
      checkAcceptedBody(tracker, result);
      return validatedBody(result, tracker);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then((body: unknown) => {
        if (!isBody(body)) throw notABody(body, true);
        checkAcceptedBody(tracker, body);
        return validatedBody(body, tracker);
      });
    }
    throw notABody(result, false);
  };
  Object.defineProperty(validated, 'name', { value: `validate(${inner.name || 'app'})` });
  return validated;
}

function notABody(value: unknown, promised: boolean): ValidationError {
  const what = promised ? 'the app returned a promise of' : 'the app returned';
  const hint =
    typeof value === 'string' || value instanceof Uint8Array ? '; wrap it in an array, e.g. [text]' : '';
  return new ValidationError(
    'body-type',
    `${what} ${describe(value)}, which is not a body (an iterable or async iterable of chunks)${hint}`,
  );
}
