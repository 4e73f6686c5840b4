/**
 * The rules `validate()` enforces, and the error that names a broken one.
 *
 * @module
 */
import { GatewayError } from '../spec.js';

/**
 * Which party broke a rule: the server (or middleware acting as one) that
 * built the environ and runs the body, or the app that answers.
 *
 * @example
 * ```ts
 * const blame: ValidationSide = VALIDATION_RULES['head-body'].side; // 'app'
 * ```
 */
export type ValidationSide = 'server' | 'app';

/**
 * The stable id of a rule checked by `validate()`; see {@link VALIDATION_RULES}.
 *
 * @example
 * ```ts
 * const rule: ValidationRule = 'content-type-missing';
 * ```
 */
export type ValidationRule =
  | 'environ-object'
  | 'environ-key-missing'
  | 'environ-key-type'
  | 'request-method'
  | 'server-port'
  | 'server-protocol'
  | 'environ-content-length'
  | 'environ-http-content'
  | 'tsgi-version'
  | 'url-scheme'
  | 'script-name'
  | 'path-info'
  | 'path-empty'
  | 'input-api'
  | 'input-result'
  | 'input-read-length'
  | 'errors-api'
  | 'start-response-api'
  | 'exc-info-rethrow'
  | 'body-single-iterator'
  | 'body-return'
  | 'input-read-size'
  | 'input-after-close'
  | 'errors-write'
  | 'status-format'
  | 'header-list'
  | 'header-name'
  | 'status-header'
  | 'hop-by-hop-header'
  | 'header-value'
  | 'content-type-missing'
  | 'content-type-forbidden'
  | 'content-length-forbidden'
  | 'content-length-value'
  | 'start-response-twice'
  | 'start-response-first'
  | 'start-response-missing'
  | 'chunk-type'
  | 'write-after-close'
  | 'body-type'
  | 'head-body'
  | 'content-length-mismatch';

/**
 * What {@link VALIDATION_RULES} says about one rule.
 *
 * @example
 * ```ts
 * const info: ValidationRuleInfo = VALIDATION_RULES['body-return'];
 * console.log(`${info.side}: ${info.description}`);
 * ```
 */
export interface ValidationRuleInfo {
  /** Who is at fault when the rule is broken. */
  readonly side: ValidationSide;
  /** The rule, in one line. */
  readonly description: string;
}

/**
 * Every rule `validate()` checks, by id, with the side it binds and a one-line
 * statement. The ids are stable: `docs/gateway.md` and bug reports cite them.
 *
 * Server side: `environ-object`, `environ-key-missing`, `environ-key-type`,
 * `request-method`, `server-port`, `server-protocol`, `environ-content-length`,
 * `environ-http-content`, `tsgi-version`, `url-scheme`, `script-name`,
 * `path-info`, `path-empty`, `input-api`, `input-result`, `input-read-length`,
 * `errors-api`, `start-response-api`, `exc-info-rethrow`,
 * `body-single-iterator`, `body-return`.
 *
 * App side: `input-read-size`, `input-after-close`, `errors-write`,
 * `status-format`, `header-list`, `header-name`, `status-header`,
 * `hop-by-hop-header`, `header-value`, `content-type-missing`,
 * `content-type-forbidden`, `content-length-forbidden`,
 * `content-length-value`, `start-response-twice`, `start-response-first`,
 * `start-response-missing`, `chunk-type`, `write-after-close`, `body-type`,
 * `head-body`, `content-length-mismatch`.
 *
 * @example
 * ```ts
 * for (const [rule, { side, description }] of Object.entries(VALIDATION_RULES)) {
 *   console.log(`${rule} (${side}): ${description}`);
 * }
 * ```
 */
export const VALIDATION_RULES: Readonly<Record<ValidationRule, ValidationRuleInfo>> = {
  'environ-object': { side: 'server', description: 'The environ is a plain object.' },
  'environ-key-missing': {
    side: 'server',
    description: 'Every required CGI key and tsgi.* key is present in the environ.',
  },
  'environ-key-type': {
    side: 'server',
    description: 'CGI keys, CONTENT_TYPE and HTTP_* keys hold strings; the tsgi.* flags hold booleans.',
  },
  'request-method': { side: 'server', description: 'REQUEST_METHOD is an HTTP token.' },
  'server-port': { side: 'server', description: 'SERVER_PORT is a decimal number.' },
  'server-protocol': { side: 'server', description: 'SERVER_PROTOCOL looks like HTTP/1.1.' },
  'environ-content-length': {
    side: 'server',
    description: 'CONTENT_LENGTH, when present, is a decimal number.',
  },
  'environ-http-content': {
    side: 'server',
    description: 'HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH are absent (they are CONTENT_TYPE and CONTENT_LENGTH).',
  },
  'tsgi-version': { side: 'server', description: 'tsgi.version is an array of two non-negative integers.' },
  'url-scheme': { side: 'server', description: "tsgi.url_scheme is 'http' or 'https'." },
  'script-name': {
    side: 'server',
    description: "SCRIPT_NAME is empty, or starts with '/' and does not end with '/'.",
  },
  'path-info': { side: 'server', description: "PATH_INFO is empty or starts with '/'." },
  'path-empty': {
    side: 'server',
    description: "SCRIPT_NAME and PATH_INFO are not both empty (the root is PATH_INFO '/').",
  },
  'input-api': {
    side: 'server',
    description: 'tsgi.input has read(), readline() and Symbol.asyncIterator.',
  },
  'input-result': {
    side: 'server',
    description: 'tsgi.input reads return promises of Uint8Array, and its iteration yields Uint8Array.',
  },
  'input-read-length': {
    side: 'server',
    description: 'read(n) gives at most n bytes and fewer only at end of input; readline() stops after the first LF and at the limit.',
  },
  'errors-api': { side: 'server', description: 'tsgi.errors has write(), writelines() and flush().' },
  'start-response-api': {
    side: 'server',
    description: 'The app is given a startResponse function, which returns a write function.',
  },
  'exc-info-rethrow': {
    side: 'server',
    description: 'startResponse with excInfo throws once the headers have been sent.',
  },
  'body-single-iterator': { side: 'server', description: 'The server takes at most one iterator from a body.' },
  'body-return': {
    side: 'server',
    description: "The server calls the body iterator's return() once it is done with it (reported, not thrown).",
  },
  'input-read-size': {
    side: 'app',
    description: 'read(size) and readline(limit) take undefined or a non-negative integer.',
  },
  'input-after-close': {
    side: 'app',
    description: "Nothing is read from tsgi.input after the body's return() has completed.",
  },
  'errors-write': { side: 'app', description: 'Only strings are written to tsgi.errors.' },
  'status-format': { side: 'app', description: 'The status is a string "NNN Reason".' },
  'header-list': { side: 'app', description: 'The headers are an array of [name, value] string pairs.' },
  'header-name': { side: 'app', description: 'Every header name is an HTTP token.' },
  'status-header': { side: 'app', description: 'There is no Status header.' },
  'hop-by-hop-header': {
    side: 'app',
    description: 'There is no hop-by-hop header (Connection, Transfer-Encoding, …).',
  },
  'header-value': {
    side: 'app',
    description: 'No header value holds a control character other than horizontal tab.',
  },
  'content-type-missing': {
    side: 'app',
    description: 'Every response except 1xx, 204 and 304 has a Content-Type header.',
  },
  'content-type-forbidden': {
    side: 'app',
    description: 'A 1xx, 204 or 304 response has no Content-Type header.',
  },
  'content-length-forbidden': { side: 'app', description: 'A 1xx or 204 response has no Content-Length header.' },
  'content-length-value': {
    side: 'app',
    description: 'Content-Length appears at most once, as a decimal number.',
  },
  'start-response-twice': {
    side: 'app',
    description: 'startResponse is called again only with excInfo.',
  },
  'start-response-first': {
    side: 'app',
    description: 'startResponse is called before the body yields its first chunk.',
  },
  'start-response-missing': {
    side: 'app',
    description: 'startResponse has been called by the time the body ends.',
  },
  'chunk-type': {
    side: 'app',
    description: 'Body chunks and write() chunks are Uint8Array or string.',
  },
  'write-after-close': {
    side: 'app',
    description: 'write() is not called after the body has ended or been closed.',
  },
  'body-type': {
    side: 'app',
    description: 'The app returns a body (an iterable or async iterable, not a string or Uint8Array) or a promise of one.',
  },
  'head-body': { side: 'app', description: 'The response to a HEAD request has an empty body.' },
  'content-length-mismatch': {
    side: 'app',
    description: 'The bytes sent match the Content-Length the app set (except for HEAD and 304).',
  },
};

/**
 * A breach of the gateway interface found by `validate()`. `rule` is one of
 * {@link VALIDATION_RULES}; `side` says whether the server or the app broke it.
 *
 * @example
 * ```ts
 * try {
 *   await client.get('/');
 * } catch (error) {
 *   if (error instanceof ValidationError) console.log(error.side, error.rule);
 * }
 * ```
 */
export class ValidationError extends GatewayError {
  /** The rule broken. */
  declare readonly rule: ValidationRule;
  /** Who broke it. */
  readonly side: ValidationSide;

  constructor(rule: ValidationRule, message: string) {
    const side = VALIDATION_RULES[rule].side;
    super(rule, `${side} violation: ${message}`);
    this.name = 'ValidationError';
    this.side = side;
  }
}

/**
 * Rephrases a {@link GatewayError} from the shared checks in `spec.ts` as a
 * {@link ValidationError} for the app.
 */
export function asAppViolation(error: unknown): unknown {
  if (error instanceof GatewayError && !(error instanceof ValidationError) && error.rule in VALIDATION_RULES) {
    const prefix = `[${error.rule}] `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return new ValidationError(error.rule as ValidationRule, message);
  }
  return error;
}
