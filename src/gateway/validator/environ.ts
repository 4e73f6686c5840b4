/**
 * Server-side checks on the environ a server hands to an app.
 *
 * @module
 */
import { isToken } from '../spec.js';
import type { Environ } from '../types.js';
import { describe } from './describe.js';
import { ValidationError } from './validation-error.js';

const STRING_KEYS = [
  'REQUEST_METHOD',
  'SCRIPT_NAME',
  'PATH_INFO',
  'QUERY_STRING',
  'SERVER_NAME',
  'SERVER_PORT',
  'SERVER_PROTOCOL',
  'REMOTE_ADDR',
  'REQUEST_URI',
  'tsgi.url_scheme',
] as const;
const FLAG_KEYS = ['tsgi.multithread', 'tsgi.multiprocess', 'tsgi.run_once', 'tsgi.input_terminated'] as const;
const OTHER_REQUIRED_KEYS = ['tsgi.version', 'tsgi.input', 'tsgi.errors'] as const;
const DIGITS = /^\d+$/;
const PROTOCOL = /^HTTP\/\d(?:\.\d)?$/;
// RFC 3986 §3.2.2: a reg-name (which covers IPv4 addresses) is unreserved
// characters, sub-delims and percent-escapes.
const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
// The environ names an IPv6 host without its brackets, optionally with a
// zone id, as a socket's address reads.
const BARE_IPV6 = /^[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9\-._~]+)?$/;
// RFC 9110 §7.2: uri-host [":" port], an IPv6 or future literal in brackets.
const HOST_HEADER =
  /^(?:\[(?:[0-9A-Fa-f:.]+(?:%25[A-Za-z0-9\-._~]+)?|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::\d*)?$/;
// With the u flag a surrogate class matches only surrogates not in a pair:
// those UTF-8 decoding can never produce.
const LONE_SURROGATE = /[\ud800-\udfff]/u;
const SESSION_METHODS = ['get', 'set', 'has', 'delete', 'clear', 'keys', 'regenerate', 'destroy'] as const;

/**
 * Checks an environ as `validate()` does before calling the app: the keys
 * and types of `docs/gateway.md` §4, the path rules, and the shape of the
 * input and error streams. Server authors can call it on what they build.
 *
 * @throws {@link ValidationError} for the first server-side rule broken.
 * @example
 * ```ts
 * checkEnviron(environ); // throws ValidationError [path-empty] if SCRIPT_NAME and PATH_INFO are both ''
 * ```
 *
 * @category Validator
 */
export function checkEnviron(environ: unknown): asserts environ is Environ {
  if (!isPlainObject(environ)) {
    throw new ValidationError('environ-object', `the environ must be a plain object (prototype Object.prototype or null), got ${describe(environ)}`);
  }
  checkModifiable(environ);
  for (const key of [...STRING_KEYS, ...FLAG_KEYS, ...OTHER_REQUIRED_KEYS]) {
    if (!Object.hasOwn(environ, key)) {
      throw new ValidationError('environ-key-missing', `the environ has no ${key}`);
    }
  }
  for (const key of STRING_KEYS) expectString(environ, key);
  for (const key of FLAG_KEYS) {
    if (typeof environ[key] !== 'boolean') {
      throw new ValidationError('environ-key-type', `environ['${key}'] must be a boolean, got ${describe(environ[key])}`);
    }
  }
  // Keys without a '.' are reserved for CGI-style variables (§4), whose
  // values are strings whatever their name.
  for (const key of Object.keys(environ)) {
    if (!key.includes('.')) expectString(environ, key);
  }
  checkValues(environ as unknown as Environ);
  checkPaths(environ as unknown as Environ);
  checkStreams(environ as unknown as Environ);
  checkSession(environ);
}

// The app may modify the environ (§4), and validate() itself replaces the
// streams in it: a frozen, sealed or read-only environ would make either
// fail with a TypeError far from the server that built it.
function checkModifiable(environ: Record<string, unknown>): void {
  if (!Object.isExtensible(environ)) {
    throw new ValidationError('environ-object', 'the environ must be extensible (not frozen, sealed or preventExtensions()ed): the app may add keys');
  }
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(environ))) {
    if (descriptor.writable !== true || descriptor.configurable !== true) {
      throw new ValidationError(
        'environ-object',
        `environ['${key}'] must be a plain writable, configurable property: the app may change or delete it`,
      );
    }
  }
}

function checkValues(environ: Environ): void {
  if (!isToken(environ.REQUEST_METHOD)) {
    throw new ValidationError('request-method', `REQUEST_METHOD must be an HTTP token, got ${JSON.stringify(environ.REQUEST_METHOD)}`);
  }
  if (!isServerName(environ.SERVER_NAME)) {
    throw new ValidationError(
      'server-name',
      `SERVER_NAME must be a host name or address (an IPv6 address without brackets), got ${JSON.stringify(environ.SERVER_NAME)}`,
    );
  }
  if (!DIGITS.test(environ.SERVER_PORT)) {
    throw new ValidationError('server-port', `SERVER_PORT must be decimal digits, got ${JSON.stringify(environ.SERVER_PORT)}`);
  }
  if (!PROTOCOL.test(environ.SERVER_PROTOCOL)) {
    throw new ValidationError(
      'server-protocol',
      `SERVER_PROTOCOL must look like "HTTP/1.1", got ${JSON.stringify(environ.SERVER_PROTOCOL)}`,
    );
  }
  if (environ.CONTENT_LENGTH !== undefined && !DIGITS.test(environ.CONTENT_LENGTH)) {
    throw new ValidationError(
      'environ-content-length',
      `CONTENT_LENGTH must be decimal digits when present, got ${JSON.stringify(environ.CONTENT_LENGTH)}`,
    );
  }
  if (environ.HTTP_HOST !== undefined && !HOST_HEADER.test(environ.HTTP_HOST)) {
    throw new ValidationError(
      'http-host',
      `HTTP_HOST must be a host and an optional port (RFC 9110 §7.2); the server answers 400 otherwise, got ${JSON.stringify(environ.HTTP_HOST)}`,
    );
  }
  for (const key of ['HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH']) {
    if (Object.hasOwn(environ, key)) {
      throw new ValidationError('environ-http-content', `the environ must not hold ${key}; use ${key.slice(5)} instead`);
    }
  }
  const version: unknown = environ['tsgi.version'];
  if (
    !Array.isArray(version) ||
    version.length !== 2 ||
    !version.every((part: unknown) => Number.isInteger(part) && (part as number) >= 0)
  ) {
    throw new ValidationError('tsgi-version', `tsgi.version must be an array of two integers like [1, 0], got ${describe(version)}`);
  }
  const scheme = environ['tsgi.url_scheme'];
  if (scheme !== 'http' && scheme !== 'https') {
    throw new ValidationError('url-scheme', `tsgi.url_scheme must be 'http' or 'https', got ${JSON.stringify(scheme)}`);
  }
}

function checkPaths(environ: Environ): void {
  const scriptName = environ.SCRIPT_NAME;
  const pathInfo = environ.PATH_INFO;
  if (scriptName !== '' && (!scriptName.startsWith('/') || scriptName.endsWith('/'))) {
    throw new ValidationError(
      'script-name',
      `SCRIPT_NAME must be empty or start with '/' and not end with '/', got ${JSON.stringify(scriptName)}`,
    );
  }
  if (LONE_SURROGATE.test(scriptName)) {
    throw new ValidationError('script-name', `SCRIPT_NAME holds a lone surrogate, which no UTF-8 decoding gives: ${JSON.stringify(scriptName)}`);
  }
  if (pathInfo !== '' && !pathInfo.startsWith('/')) {
    throw new ValidationError('path-info', `PATH_INFO must be empty or start with '/', got ${JSON.stringify(pathInfo)}`);
  }
  if (LONE_SURROGATE.test(pathInfo)) {
    throw new ValidationError(
      'path-info',
      `PATH_INFO holds a lone surrogate, which no UTF-8 decoding gives (the server answers 400 instead): ${JSON.stringify(pathInfo)}`,
    );
  }
  if (scriptName === '' && pathInfo === '') {
    throw new ValidationError('path-empty', "SCRIPT_NAME and PATH_INFO are both empty; the root of the app is PATH_INFO '/'");
  }
}

function checkStreams(environ: Environ): void {
  const input: unknown = environ['tsgi.input'];
  for (const method of ['read', 'readline', Symbol.asyncIterator] as const) {
    if (!hasMethod(input, method)) {
      throw new ValidationError('input-api', `tsgi.input must have a ${String(method)} method, got ${describe(input)}`);
    }
  }
  const errors: unknown = environ['tsgi.errors'];
  for (const method of ['write', 'writelines', 'flush'] as const) {
    if (!hasMethod(errors, method)) {
      throw new ValidationError('errors-api', `tsgi.errors must have a ${method} method, got ${describe(errors)}`);
    }
  }
}

function checkSession(environ: Record<string, unknown>): void {
  if (!Object.hasOwn(environ, 'tsgi.session')) return;
  const session: unknown = environ['tsgi.session'];
  for (const method of SESSION_METHODS) {
    if (!hasMethod(session, method)) {
      throw new ValidationError('session-api', `tsgi.session must have a ${method} method, got ${describe(session)}`);
    }
  }
  const fields = session as Record<'id' | 'isNew' | 'modified', unknown>;
  if (typeof fields.id !== 'string') {
    throw new ValidationError('session-api', `tsgi.session.id must be a string, got ${describe(fields.id)}`);
  }
  for (const flag of ['isNew', 'modified'] as const) {
    if (typeof fields[flag] !== 'boolean') {
      throw new ValidationError('session-api', `tsgi.session.${flag} must be a boolean, got ${describe(fields[flag])}`);
    }
  }
}

function isServerName(name: string): boolean {
  return name !== '' && (REG_NAME.test(name) || BARE_IPV6.test(name));
}

function expectString(environ: Record<string, unknown>, key: string): void {
  if (typeof environ[key] !== 'string') {
    throw new ValidationError('environ-key-type', `environ['${key}'] must be a string, got ${describe(environ[key])}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasMethod(value: unknown, method: string | symbol): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Record<string | symbol, unknown>)[method] === 'function'
  );
}
