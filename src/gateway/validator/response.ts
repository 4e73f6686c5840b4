/**
 * App-side checks on the response: startResponse's status and headers, and
 * the write() it returns. Server-side checks on how startResponse behaves.
 *
 * @module
 */
import { checkHeaders, checkStatus, isContentLengthValue } from '../spec.js';
import type { ResponseHeaders, StartResponse, Write } from '../types.js';
import { describe } from './describe.js';
import { asViolation, ValidationError } from './validation-error.js';
import type { RequestTracker } from './tracker.js';

/**
 * Checks the headers a final status demands or forbids: Content-Type
 * (required except on 204 and 304, forbidden there) and Content-Length
 * (forbidden on 204, otherwise once, as one to fifteen digits). Returns the
 * Content-Length, if set.
 *
 * @throws {@link ValidationError} `content-type-missing`, `content-type-forbidden`,
 *   `content-length-forbidden` or `content-length-value`.
 * @example
 * ```ts
 * checkEntityHeaders(200, [['Content-Type', 'text/plain'], ['Content-Length', '2']]); // 2
 * checkEntityHeaders(204, [['Content-Type', 'text/plain']]); // throws content-type-forbidden
 * ```
 */
export function checkEntityHeaders(code: number, headers: ResponseHeaders): number | undefined {
  const contentTypes = headers.filter(([name]) => name.toLowerCase() === 'content-type');
  const lengths = headers.filter(([name]) => name.toLowerCase() === 'content-length').map(([, value]) => value);
  const bodiless = code === 204 || code === 304;
  if (bodiless && contentTypes.length > 0) {
    throw new ValidationError('content-type-forbidden', `a ${code} response must not have a Content-Type header`);
  }
  if (!bodiless && contentTypes.length === 0) {
    throw new ValidationError('content-type-missing', `a ${code} response needs a Content-Type header`);
  }
  if (code === 204 && lengths.length > 0) {
    throw new ValidationError('content-length-forbidden', `a ${code} response must not have a Content-Length header`);
  }
  if (lengths.length === 0) return undefined;
  if (lengths.length > 1) {
    throw new ValidationError('content-length-value', `Content-Length must appear once, got ${lengths.length} of them`);
  }
  const value = lengths[0]!;
  if (!isContentLengthValue(value)) {
    throw new ValidationError('content-length-value', `Content-Length must be 1 to 15 decimal digits, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/**
 * Wraps a server's startResponse: checks the app's arguments before passing
 * them on unchanged, checks that the server rethrows a late `excInfo` and
 * returns a write function, and wraps that write.
 *
 * @example
 * ```ts
 * const checked = validatedStartResponse(startResponse, tracker);
 * checked('200 OK', [['Content-Type', 'text/plain']]);
 * ```
 */
export function validatedStartResponse(inner: StartResponse, tracker: RequestTracker): StartResponse {
  return (...args: [status: string, headers: ResponseHeaders, excInfo?: unknown]): Write => {
    try {
      return checkedStart(inner, tracker, args);
    } catch (error) {
      // An app may catch what startResponse throws and carry on; reporting
      // it as well means the violation is still seen.
      if (error instanceof ValidationError) tracker.report(error);
      throw error;
    }
  };
}

function checkedStart(
  inner: StartResponse,
  tracker: RequestTracker,
  args: [status: string, headers: ResponseHeaders, excInfo?: unknown],
): Write {
  const [status, headers, excInfo] = args;
  // null is absent, as Python's None is, on every host.
  const hasExcInfo = excInfo !== undefined && excInfo !== null;
  if (tracker.started && !hasExcInfo) {
    throw new ValidationError(
      'start-response-twice',
      'startResponse was called a second time without excInfo; pass the caught error as the third argument',
    );
  }
  let code: number;
  try {
    code = checkStatus(status);
    if (code < 200) {
      throw new ValidationError(
        'status-informational',
        `the status passed to startResponse must be final (200 or above), got ${JSON.stringify(status)}`,
      );
    }
    checkHeaders(headers);
  } catch (error) {
    throw asViolation(error);
  }
  const expectedLength = checkEntityHeaders(code, headers);
  if (hasExcInfo && tracker.headersSent) {
    inner(...args);
    throw new ValidationError(
      'exc-info-rethrow',
      'startResponse was given excInfo after the headers were sent, and returned instead of rethrowing it',
    );
  }
  const write: unknown = inner(...args);
  if (typeof write !== 'function') {
    throw new ValidationError('start-response-api', `startResponse must return a write function, got ${describe(write)}`);
  }
  tracker.respond(code, expectedLength);
  return validatedWrite(write as Write, tracker);
}

/**
 * Wraps a server's write: the chunk is checked and counted, then passed on.
 *
 * @example
 * ```ts
 * const checkedWrite = validatedWrite(write, tracker);
 * await checkedWrite('early output\n');
 * ```
 */
export function validatedWrite(inner: Write, tracker: RequestTracker): Write {
  return (chunk: unknown): Promise<void> => {
    try {
      tracker.push(chunk, 'write');
    } catch (error) {
      if (error instanceof ValidationError) tracker.report(error);
      throw error;
    }
    return inner(chunk as string | Uint8Array);
  };
}
