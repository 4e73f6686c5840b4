/**
 * Method decorators that describe a `doX` method's response and what it
 * accepts.
 *
 * @module
 */
import { checkHeaders } from '../../gateway/spec.js';
import { statusLine } from '../../gateway/status.js';
import type { MethodRecord } from '../metadata.js';
import { methodTarget, type HandlerMethodDecorator } from './forms.js';

function onMethod(name: string, apply: (record: MethodRecord) => void): HandlerMethodDecorator {
  return (first: object, second: unknown): void => {
    apply(methodTarget(name, first, second));
  };
}

/**
 * The status the method answers with when it does not call `start()`, and
 * the starting value of `statusOverride` for it: so it also replaces a
 * `200 OK` chosen by a method it returns into (`doPUT` returning
 * `this.doGET()`). Setting `statusOverride`, calling `start()` with another
 * status, or throwing still win.
 *
 * @example
 * ```ts
 * class Entries extends BaseHandler {
 *   @status(201)
 *   doPOST() { return 'created'; }
 * }
 * ```
 *
 * @category Method decorators
 */
export function status(code: number): HandlerMethodDecorator {
  const line = statusLine(code);
  if (code < 200) throw new RangeError(`@status(${code}): a final status is 200 or more`);
  return onMethod('status', (record) => {
    record.status = line;
  });
}

/**
 * Adds a header to every response the method gives itself (not to error
 * responses). Stack it for several headers; a header of the same name set
 * through `start()` takes precedence.
 *
 * @example
 * ```ts
 * class Feed extends BaseHandler {
 *   @responseHeader('Cache-Control', 'max-age=60')
 *   doGET() { return '<p>news</p>'; }
 * }
 * ```
 *
 * @category Method decorators
 */
export function responseHeader(name: string, value: string): HandlerMethodDecorator {
  checkHeaders([[name, value]]);
  return onMethod('responseHeader', (record) => {
    // Decorators apply bottom-up; unshift keeps the headers in written order.
    record.headers.unshift([name, value]);
  });
}

/**
 * The Content-Type the method answers with when it does not call `start()`,
 * instead of `text/html; charset=utf-8`.
 *
 * @example
 * ```ts
 * class Api extends BaseHandler {
 *   @contentType('application/json')
 *   doGET() { return JSON.stringify({ ok: true }); }
 * }
 * ```
 *
 * @category Method decorators
 */
export function contentType(type: string): HandlerMethodDecorator {
  checkHeaders([['Content-Type', type]]);
  return onMethod('contentType', (record) => {
    record.contentType = type;
  });
}

/**
 * The request media types the method accepts (`type/*` matches a whole
 * type). A request with a body of another type, or of none, gets a 415 that
 * lists them (and, for POST and PATCH, an `Accept-Post` / `Accept-Patch`
 * header). Requests without a body pass.
 *
 * @example
 * ```ts
 * class Notes extends BaseHandler {
 *   @accepts('application/json', 'application/x-www-form-urlencoded')
 *   async doPOST() { return JSON.stringify(await this.parseBody()); }
 * }
 * ```
 *
 * @category Method decorators
 */
export function accepts(...mediaTypes: string[]): HandlerMethodDecorator {
  if (mediaTypes.length === 0) throw new TypeError('@accepts needs at least one media type');
  const lowered = mediaTypes.map((type) => type.trim().toLowerCase());
  return onMethod('accepts', (record) => {
    record.accepts = lowered;
  });
}

/**
 * The largest body, in bytes, that the method's body helpers buffer; it
 * wins over the class's static `bodyLimit`.
 *
 * @example
 * ```ts
 * class Upload extends BaseHandler {
 *   @bodyLimit(10 * 1024 * 1024)
 *   async doPUT() { return `${(await this.bytes()).length} bytes`; }
 * }
 * ```
 *
 * @category Method decorators
 */
export function bodyLimit(bytes: number): HandlerMethodDecorator {
  if (!(Number.isSafeInteger(bytes) && bytes >= 0)) throw new RangeError(`@bodyLimit needs a whole number of bytes, got ${bytes}`);
  return onMethod('bodyLimit', (record) => {
    record.bodyLimit = bytes;
  });
}
