/**
 * Session ids and the signed cookie values that carry them.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomPooled } from './random-pool.js';

/** 24 random bytes: 192 bits, well past the 128 an id must have to be unguessable. */
const ID_BYTES = 24;
const ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;
/** An HMAC-SHA256 tag is 32 bytes: 43 characters of unpadded base64url. */
const TAG_LENGTH = 43;
/** Anything longer than `id.tag` is garbage, rejected before any HMAC work. */
const SIGNED_LENGTH = 32 + 1 + TAG_LENGTH;
/** How many verified ids keep their expected tags; past it the memory starts afresh. */
const TAG_CACHE_SIZE = 10_000;
/** Shorter secrets are too easy to brute-force from one signed cookie. */
export const MIN_SECRET_LENGTH = 32;

/**
 * A new session id: 192 random bits from `crypto.randomBytes`, as 32
 * characters of base64url (safe in cookies, file names and Redis keys).
 *
 * @example
 * ```ts
 * newSessionId(); // e.g. 'q3Zk0R8m4dL2xY9w_1b-TnVfQp7sHc6A'
 * ```
 */
export function newSessionId(): string {
  return randomPooled(ID_BYTES).toString('base64url');
}

/**
 * Whether `id` has the shape the sessions middleware issues (32 base64url
 * characters, 192 random bits). Stores check this before using an id in a
 * file name or key.
 *
 * @example
 * ```ts
 * isSessionId(environ['tsgi.session']!.id); // true
 * isSessionId('../../etc/passwd');           // false
 * ```
 */
export function isSessionId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * What {@link CookieSigner.verify} found in a cookie value.
 *
 * @example
 * ```ts
 * const found: VerifiedId | undefined = signer.verify(cookieValue);
 * if (found?.rotated) console.log('signed with an older secret; re-issue it');
 * ```
 */
export interface VerifiedId {
  /** The session id the cookie carries. */
  readonly id: string;
  /** True when an older secret (not the first) verified it. */
  readonly rotated: boolean;
}

/**
 * Signs session ids with HMAC-SHA256 and checks signatures in constant time.
 * The first secret signs; every secret verifies, so a new secret can be put
 * first while cookies signed with the old one keep working until they are
 * re-issued.
 *
 * @example
 * ```ts
 * const signer = new CookieSigner(['new secret of at least 32 characters!!', 'old secret …']);
 * const value = signer.sign(newSessionId());
 * signer.verify(value)?.id;      // the id
 * signer.verify(value + 'x');    // undefined
 * ```
 */
export class CookieSigner {
  readonly #keys: Buffer[];
  // The expected tags (one per secret) of recently verified ids: a visitor
  // sends the same cookie on every request, and an HMAC per request was the
  // largest cost of the sessions layer. A tag depends only on the id and
  // the secrets, so remembering it changes no verdict.
  readonly #expected = new Map<string, Buffer[]>();

  /**
   * @param secrets Newest first; each at least 32 characters.
   * @throws TypeError when there is no secret or one is too short.
   */
  constructor(secrets: readonly string[]) {
    if (!Array.isArray(secrets) || secrets.length === 0) {
      throw new TypeError('session: `secrets` must be a non-empty array of strings (newest first)');
    }
    this.#keys = secrets.map((secret, index) => {
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
        throw new TypeError(`session: secrets[${index}] must be a string of at least ${MIN_SECRET_LENGTH} characters`);
      }
      return Buffer.from(secret, 'utf8');
    });
  }

  /** The cookie value for `id`: `id.tag`, the tag made with the first secret. */
  sign(id: string): string {
    return `${id}.${tag(this.#keys[0]!, id)}`;
  }

  /**
   * The id in a signed cookie value, or `undefined` when the value is
   * malformed, oversized or signed by none of the secrets.
   */
  verify(value: string): VerifiedId | undefined {
    if (value.length !== SIGNED_LENGTH || value.charCodeAt(32) !== 0x2e) return undefined;
    const id = value.slice(0, 32);
    if (!isSessionId(id)) return undefined;
    const given = Buffer.from(value.slice(33), 'utf8');
    if (given.length !== TAG_LENGTH) return undefined;
    // Every key is tried even after a match, so timing says nothing about
    // which one matched.
    const cached = this.#expected.get(id);
    const tags = cached ?? this.#keys.map((key) => Buffer.from(tag(key, id), 'utf8'));
    let found = -1;
    for (let index = 0; index < tags.length; index++) {
      if (timingSafeEqual(tags[index]!, given) && found === -1) found = index;
    }
    if (found === -1) return undefined;
    // Only ids that verified are remembered, so made-up ids cannot push
    // real visitors out; the comparison above stays constant-time either way.
    if (cached === undefined) {
      if (this.#expected.size >= TAG_CACHE_SIZE) this.#expected.clear();
      this.#expected.set(id, tags);
    }
    return { id, rotated: found > 0 };
  }
}

function tag(key: Buffer, id: string): string {
  return createHmac('sha256', key).update(id, 'utf8').digest('base64url');
}
