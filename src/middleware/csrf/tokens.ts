/**
 * Session-bound form tokens: one secret per session, which a page puts in
 * its forms and an unsafe request must send back. A page on another origin
 * cannot read it, so it cannot forge a request that carries it.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parseMediaType } from '../../body/media-type.js';
import { DEFAULT_BODY_LIMIT, readBody } from '../../body/read.js';
import { parseUrlEncodedBytes } from '../../body/urlencoded.js';
import { ChunkInput } from '../../gateway/input.js';
import type { Environ, Session } from '../../gateway/types.js';

/**
 * Options for the form tokens of {@link csrf}.
 *
 * @example
 * ```ts
 * const tokens: CsrfTokenOptions = { field: '_csrf', header: 'X-XSRF-Token' };
 * ```
 *
 * @category Helpers
 */
export interface CsrfTokenOptions {
  /** The form field holding the token in urlencoded bodies (default `csrf_token`). */
  field?: string;
  /** The request header holding it, for scripts and non-urlencoded bodies (default `X-CSRF-Token`). */
  header?: string;
  /** The most bytes of a urlencoded body read to find the field (default 1 MiB); more is a 413. */
  limit?: number;
}

/** The token settings checked, with defaults filled in. */
export interface TokenConfig {
  readonly field: string;
  /** The header as its environ key, e.g. `HTTP_X_CSRF_TOKEN`. */
  readonly headerKey: string;
  readonly limit: number;
}

/** Where the token is kept in the session. */
const SESSION_KEY = 'csrf.token';
/** 256 random bits, as base64url: 43 characters. */
const TOKEN_BYTES = 32;

/** Checks the token options and fills in the defaults. */
export function tokenConfig(options: CsrfTokenOptions): TokenConfig {
  const field = options.field ?? 'csrf_token';
  const header = options.header ?? 'X-CSRF-Token';
  if (field === '') throw new TypeError('csrf: tokens.field must not be empty');
  if (!/^[!#$%&'*+.^`|~0-9A-Za-z-]+$/.test(header)) throw new TypeError(`csrf: tokens.header ${JSON.stringify(header)} is not a header name`);
  const limit = options.limit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isInteger(limit) || limit <= 0) throw new TypeError(`csrf: tokens.limit must be a positive whole number of bytes, got ${String(limit)}`);
  return { field, headerKey: `HTTP_${header.toUpperCase().replace(/-/g, '_')}`, limit };
}

/** The session's token, made (and so stored with the session) on first use. */
export function sessionToken(session: Session): string {
  const stored = session.get(SESSION_KEY);
  if (typeof stored === 'string' && stored !== '') return stored;
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  session.set(SESSION_KEY, token);
  return token;
}

/** The token the session holds, without making one. */
export function existingToken(session: Session): string | undefined {
  const stored = session.get(SESSION_KEY);
  return typeof stored === 'string' && stored !== '' ? stored : undefined;
}

/**
 * The token the request sent: its header, else the form field of a
 * urlencoded body. Reading the body consumes `tsgi.input`, so it is put
 * back as a stream over the same bytes for the app.
 *
 * @throws HttpError 413 for a body over the limit, 400 for a malformed one.
 */
export async function submittedToken(environ: Environ, config: TokenConfig): Promise<string | undefined> {
  const fromHeader = environ[config.headerKey];
  if (typeof fromHeader === 'string' && fromHeader !== '') return fromHeader;
  if (parseMediaType(environ.CONTENT_TYPE)?.essence !== 'application/x-www-form-urlencoded') return undefined;
  const bytes = await readBody(environ, { limit: config.limit });
  environ['tsgi.input'] = new ChunkInput(
    (async function* () {
      if (bytes.length > 0) yield bytes;
    })(),
  );
  return parseUrlEncodedBytes(bytes)[config.field]?.[0];
}

/** Whether `given` is `expected`, in time that does not depend on where they differ. */
export function tokensMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  // The length of a token is no secret: every token has the same.
  return a.length === b.length && timingSafeEqual(a, b);
}
