/**
 * The one list of the gateway's rules, and the error that names a broken
 * one. Every host, middleware and `validate()` throws or logs these names,
 * so a broken app gets the same rule name wherever it runs.
 *
 * @module
 */

/**
 * Which party broke a rule: the server (or middleware acting as one) that
 * built the environ and runs the body, or the app that answers.
 *
 * @example
 * ```ts
 * const blame: GatewaySide = GATEWAY_RULES['head-body'].side; // 'app'
 * ```
 *
 * @category Spec checks
 */
export type GatewaySide = 'server' | 'app';

/**
 * The stable name of a gateway rule; see {@link GATEWAY_RULES}.
 *
 * @example
 * ```ts
 * const rule: GatewayRule = 'content-type-missing';
 * ```
 *
 * @category Spec checks
 */
export type GatewayRule =
  | 'environ-object'
  | 'environ-key-missing'
  | 'environ-key-type'
  | 'request-method'
  | 'server-name'
  | 'server-port'
  | 'server-protocol'
  | 'http-host'
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
  | 'session-api'
  | 'start-response-api'
  | 'exc-info-rethrow'
  | 'body-single-iterator'
  | 'body-after-return'
  | 'body-return'
  | 'websocket-api'
  | 'input-read-size'
  | 'input-after-close'
  | 'errors-write'
  | 'status-format'
  | 'status-informational'
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
  | 'content-length-mismatch'
  | 'websocket-accept-twice'
  | 'websocket-start-response'
  | 'websocket-body';

/**
 * What {@link GATEWAY_RULES} says about one rule.
 *
 * @example
 * ```ts
 * const info: GatewayRuleInfo = GATEWAY_RULES['body-return'];
 * console.log(`${info.side}: ${info.description}`);
 * ```
 *
 * @category Spec checks
 */
export interface GatewayRuleInfo {
  /** Who is at fault when the rule is broken. */
  readonly side: GatewaySide;
  /** The rule, in one line. */
  readonly description: string;
}

/**
 * Every gateway rule, by name, with the side it binds and a one-line
 * statement. The names are stable: `docs/gateway.md` lists them all, and
 * bug reports and logs cite them.
 *
 * @example
 * ```ts
 * for (const [rule, { side, description }] of Object.entries(GATEWAY_RULES)) {
 *   console.log(`${rule} (${side}): ${description}`);
 * }
 * ```
 *
 * @category Spec checks
 */
export const GATEWAY_RULES: Readonly<Record<GatewayRule, GatewayRuleInfo>> = {
  'environ-object': {
    side: 'server',
    description: 'The environ is a plain object the app may modify: extensible, every key writable and configurable.',
  },
  'environ-key-missing': {
    side: 'server',
    description: 'Every required CGI key and tsgi.* key is present in the environ.',
  },
  'environ-key-type': {
    side: 'server',
    description: "Every CGI-style key (one without a '.') holds a string, as does tsgi.url_scheme; the tsgi.* flags hold booleans.",
  },
  'request-method': { side: 'server', description: 'REQUEST_METHOD is an HTTP token.' },
  'server-name': {
    side: 'server',
    description: 'SERVER_NAME is a host: a registered name or IPv4 address (RFC 3986 §3.2.2), or an IPv6 address without brackets.',
  },
  'server-port': { side: 'server', description: 'SERVER_PORT is a decimal number.' },
  'server-protocol': { side: 'server', description: 'SERVER_PROTOCOL looks like HTTP/1.1.' },
  'http-host': {
    side: 'server',
    description: 'HTTP_HOST, when present, is a valid Host: a host and an optional port (RFC 9110 §7.2).',
  },
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
    description: "SCRIPT_NAME is empty, or starts with '/' and does not end with '/'; it holds no lone surrogate.",
  },
  'path-info': {
    side: 'server',
    description: "PATH_INFO is empty or starts with '/'; it holds no lone surrogate, which UTF-8 decoding cannot produce.",
  },
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
  'session-api': {
    side: 'server',
    description: 'tsgi.session, when present, is a Session: its eight methods, a string id and boolean isNew and modified.',
  },
  'start-response-api': {
    side: 'server',
    description: 'The app is given a startResponse function, which returns a write function.',
  },
  'exc-info-rethrow': {
    side: 'server',
    description: 'startResponse with excInfo throws once the headers have been sent.',
  },
  'body-single-iterator': { side: 'server', description: 'The server takes at most one iterator from a body.' },
  'body-after-return': {
    side: 'server',
    description: "The server pulls nothing from the body iterator after calling its return().",
  },
  'body-return': {
    side: 'server',
    description: "The server calls the body iterator's return() once it is done with it (reported, not thrown).",
  },
  'websocket-api': {
    side: 'server',
    description: 'tsgi.websocket, when present, has accept(), a protocols array and an accepted flag; the connection accept() resolves to has send(), close(), a closed promise, a string protocol and Symbol.asyncIterator.',
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
  'status-format': {
    side: 'app',
    description: 'The status is a string "NNN Reason", the reason free of control characters and within Latin-1.',
  },
  'status-informational': {
    side: 'app',
    description: 'The status passed to startResponse is a final one, 200 or above; 1xx is refused.',
  },
  'header-list': { side: 'app', description: 'The headers are an array of [name, value] string pairs.' },
  'header-name': { side: 'app', description: 'Every header name is an HTTP token.' },
  'status-header': { side: 'app', description: 'There is no Status header.' },
  'hop-by-hop-header': {
    side: 'app',
    description: 'There is no hop-by-hop header (Connection, Transfer-Encoding, …).',
  },
  'header-value': {
    side: 'app',
    description: 'Every header value is Latin-1 without control characters other than horizontal tab.',
  },
  'content-type-missing': {
    side: 'app',
    description: 'Every response except 204 and 304 has a Content-Type header.',
  },
  'content-type-forbidden': {
    side: 'app',
    description: 'A 204 or 304 response has no Content-Type header.',
  },
  'content-length-forbidden': { side: 'app', description: 'A 204 response has no Content-Length header.' },
  'content-length-value': {
    side: 'app',
    description: 'Content-Length appears at most once, as one to fifteen decimal digits.',
  },
  'start-response-twice': {
    side: 'app',
    description: 'startResponse is called again only with excInfo (null and undefined count as absent).',
  },
  'start-response-first': {
    side: 'app',
    description: 'startResponse is called before any output: before write() and before the body yields a non-empty chunk.',
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
    description: 'The bytes sent match the Content-Length the app set, neither fewer nor more (except for HEAD and 304).',
  },
  'websocket-accept-twice': { side: 'app', description: 'accept() on tsgi.websocket is called at most once.' },
  'websocket-start-response': { side: 'app', description: 'startResponse is not called after accept(), nor accept() after startResponse.' },
  'websocket-body': { side: 'app', description: 'After accept(), the app returns an empty body.' },
};

/**
 * A breach of the gateway interface. `rule` names the rule broken, one of
 * {@link GATEWAY_RULES}.
 *
 * @example
 * ```ts
 * try { checkStatus('ok'); } catch (e) {
 *   if (e instanceof GatewayError) console.log(e.rule); // 'status-format'
 * }
 * ```
 *
 * @category Spec checks
 */
export class GatewayError extends Error {
  /** The rule broken, e.g. `header-value`. */
  readonly rule: GatewayRule;

  constructor(rule: GatewayRule, message: string) {
    super(`[${rule}] ${message}`);
    this.name = 'GatewayError';
    this.rule = rule;
  }
}
