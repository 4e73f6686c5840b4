/**
 * Status codes and their reason phrases (RFC 9110 §15 plus the common
 * extensions), for building `"NNN Reason"` status lines.
 *
 * @module
 */

const REASONS: Readonly<Record<number, string>> = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information',
  204: 'No Content', 205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status',
  208: 'Already Reported', 226: 'IM Used',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other',
  304: 'Not Modified', 305: 'Use Proxy', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  407: 'Proxy Authentication Required', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone',
  411: 'Length Required', 412: 'Precondition Failed', 413: 'Content Too Large',
  414: 'URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable',
  417: 'Expectation Failed', 418: "I'm a Teapot", 421: 'Misdirected Request',
  422: 'Unprocessable Content', 423: 'Locked', 424: 'Failed Dependency', 425: 'Too Early',
  426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout', 505: 'HTTP Version Not Supported',
  506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected',
  511: 'Network Authentication Required',
};

/**
 * The reason phrase for a status code, or `undefined` for an unknown code.
 *
 * @example
 * ```ts
 * reasonPhrase(404); // 'Not Found'
 * ```
 *
 * @category Helpers
 */
export function reasonPhrase(code: number): string | undefined {
  return REASONS[code];
}

/**
 * A full status line for a code, e.g. `statusLine(201)` is `'201 Created'`.
 * Unknown codes get the reason of their class (`'Client Error'`, …).
 *
 * @example
 * ```ts
 * startResponse(statusLine(404), [['Content-Type', 'text/plain']]);
 * ```
 *
 * @category Helpers
 */
export function statusLine(code: number): string {
  if (!Number.isInteger(code) || code < 100 || code > 599) {
    throw new RangeError(`status code must be an integer from 100 to 599 (RFC 9110 §15), got ${code}`);
  }
  return `${code} ${REASONS[code] ?? CLASS_REASONS[Math.floor(code / 100)] ?? 'Unknown'}`;
}

const CLASS_REASONS: Readonly<Record<number, string>> = {
  1: 'Informational', 2: 'Success', 3: 'Redirection', 4: 'Client Error', 5: 'Server Error',
};

/**
 * The numeric code of a `"NNN Reason"` status line.
 *
 * @example
 * ```ts
 * statusCode('404 Not Found'); // 404
 * ```
 *
 * @category Helpers
 */
export function statusCode(status: string): number {
  return Number(status.slice(0, 3));
}
