/**
 * Parsing `Authorization: Basic …` and checking passwords in constant time.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Environ } from '../../gateway/types.js';

/** Longer headers are refused unread: no real user name and password need 4 KiB. */
const MAX_HEADER_LENGTH = 4096;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The user name and password a client sent.
 *
 * @example
 * ```ts
 * const sent: BasicCredentials = { user: 'ada', password: 'lovelace' };
 * ```
 *
 * @category Helpers
 */
export interface BasicCredentials {
  /** The user id, before the first colon. */
  user: string;
  /** The password: everything after the first colon (it may hold colons). */
  password: string;
}

/**
 * Reads an `Authorization` header value of the Basic scheme (RFC 7617): the
 * scheme name is case-insensitive, the credentials are base64 of
 * `user:password` in UTF-8. Returns `undefined` for anything malformed (another
 * scheme, bad base64, no colon, invalid UTF-8, control characters, an empty
 * user, a header over 4 KiB) so that it can only ever lead to a 401.
 *
 * @example
 * ```ts
 * parseBasicAuth('Basic YWRhOmxvdmVsYWNl'); // { user: 'ada', password: 'lovelace' }
 * parseBasicAuth('Bearer abc');             // undefined
 * ```
 *
 * @category Helpers
 */
export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined || header.length > MAX_HEADER_LENGTH) return undefined;
  const match = /^[ \t]*basic[ \t]+([^ \t]+)[ \t]*$/i.exec(header);
  if (match === null) return undefined;
  const encoded = match[1]!;
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) return undefined;
  let decoded: string;
  try {
    decoded = UTF8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  // RFC 7617 §2: neither part may contain control characters.
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return undefined;
  return { user: decoded.slice(0, colon).normalize('NFC'), password: decoded.slice(colon + 1).normalize('NFC') };
}

/**
 * The `verify` function {@link basicAuth} takes: whether this user name and
 * password may in. It may be async (to look users up in a database).
 *
 * @example
 * ```ts
 * const verify: VerifyCredentials = async (user, password) => (await users.check(user, password)) === true;
 * ```
 *
 * @category Helpers
 */
export type VerifyCredentials = (
  user: string,
  password: string,
  environ: Environ,
) => boolean | Promise<boolean>;

/**
 * A `verify` function for a fixed table of users and passwords. Both the user
 * name and the password are compared as SHA-256 digests with
 * `timingSafeEqual`, and every entry is checked whether or not an earlier one
 * matched, so neither the time taken nor its variation reveals which user
 * exists, how long a password is, or how many characters matched. Names and
 * passwords are compared after Unicode NFC normalisation.
 *
 * @example
 * ```ts
 * const app = basicAuth(inner, { realm: 'staff', verify: staticCredentials({ ada: 'lovelace' }) });
 * ```
 *
 * @category Helpers
 */
export function staticCredentials(users: Readonly<Record<string, string>>): VerifyCredentials {
  const table = Object.entries(users).map(([user, password]) => ({
    user: digest(user.normalize('NFC')),
    password: digest(password.normalize('NFC')),
  }));
  if (table.length === 0) throw new RangeError('staticCredentials needs at least one user');
  return (user, password) => {
    const userDigest = digest(user);
    const passwordDigest = digest(password);
    let granted = false;
    for (const entry of table) {
      const userMatches = timingSafeEqual(entry.user, userDigest);
      const passwordMatches = timingSafeEqual(entry.password, passwordDigest);
      granted = (userMatches && passwordMatches) || granted;
    }
    return granted;
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
