/**
 * Session records sealed into cookie values: AES-256-GCM, one key per
 * secret derived with HKDF-SHA256.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { randomPooled } from './random-pool.js';
import { isSessionId } from './signing.js';
import { asRecord, parseJsonObject, type SessionRecord } from './store.js';

/** GCM's recommended nonce size: 96 random bits per cookie. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Names what the derived keys are for, so the same secret signs ids under a different key. */
const HKDF_INFO = 'tsgi session cookie, AES-256-GCM, v1';
/** Far beyond any cookie a browser keeps: longer values are refused before any decryption. */
const MAX_SEALED_LENGTH = 8192;
const OPENED_CACHE_SIZE = 10_000;

/**
 * What a sealed cookie carries: the session's id and record, and the moment
 * it stops being valid. All of it is authenticated, so a client can neither
 * read nor extend it.
 *
 * @example
 * ```ts
 * const sealed: SealedSession = { id, record: { data: { count: 1 }, created: now, touched: now }, expires: now + 30 * 60_000 };
 * ```
 */
export interface SealedSession {
  /** The session id, as the middleware issues them. */
  readonly id: string;
  /** The session's data and times. */
  readonly record: SessionRecord;
  /** Epoch milliseconds after which the cookie reads as no session. */
  readonly expires: number;
}

/**
 * What {@link CookieSealer.open} found in a cookie value.
 *
 * @example
 * ```ts
 * const opened: OpenedSession | undefined = sealer.open(value, 'tsgi_sid');
 * if (opened?.rotated) console.log('sealed under an older secret; re-seal it');
 * ```
 */
export interface OpenedSession extends SealedSession {
  /** True when an older secret (not the first) opened it. */
  readonly rotated: boolean;
}

/**
 * Encrypts and authenticates session records into cookie values. Each
 * secret gives one AES-256 key (HKDF-SHA256); the first seals, all open, so
 * secrets rotate as they do for signed ids. The cookie's name is bound in as
 * associated data: a value sealed for one cookie does not open as another.
 * Value format: base64url of IV (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes).
 *
 * @example
 * ```ts
 * const sealer = new CookieSealer(['a secret of at least thirty-two characters']);
 * const value = sealer.seal({ id: newSessionId(), record, expires: Date.now() + 60_000 }, 'tsgi_sid');
 * sealer.open(value, 'tsgi_sid', Date.now())?.record.data; // the data
 * sealer.open(value, 'other', Date.now());                 // undefined
 * ```
 */
export class CookieSealer {
  readonly #keys: Buffer[];
  // The plaintext of recently opened values, and which key opened each: a
  // visitor sends the same sealed cookie on every request, and a decryption
  // per request (a cipher object and GCM) was the largest cost of a
  // returning visitor. Only values that opened are kept, so made-up ones
  // cannot push real visitors out; the record is parsed afresh each time,
  // so no request sees another's objects, and the expiry is checked anew.
  // A record whose data holds only primitives is kept parsed, frozen: nothing
  // of it can be changed in place, so requests may share it.
  readonly #opened = new Map<string, Opened>();

  /** @param secrets Newest first; already checked by the middleware's signer. */
  constructor(secrets: readonly string[]) {
    this.#keys = secrets.map((secret) => Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), HKDF_INFO, 32)));
  }

  /** The cookie value carrying `session`, sealed with the first secret's key. */
  seal(session: SealedSession, cookieName: string): string {
    const iv = randomPooled(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys[0]!, iv);
    cipher.setAAD(Buffer.from(cookieName, 'utf8'));
    const plain = JSON.stringify({ id: session.id, record: session.record, expires: session.expires });
    const encrypted = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, encrypted, cipher.getAuthTag()]).toString('base64url');
  }

  /**
   * The session in a sealed value, or `undefined` when it is malformed,
   * truncated, tampered with, sealed under none of the secrets or for
   * another cookie name, or expired at `now`.
   */
  open(value: string, cookieName: string, now: number): OpenedSession | undefined {
    // The cookie name is bound in as associated data, so it is part of the key.
    const key = `${cookieName}=${value}`;
    let opened = this.#opened.get(key);
    if (opened === undefined) {
      const decrypted = this.#decrypt(value, cookieName);
      if (decrypted === undefined) return undefined;
      const session = parseSealed(decrypted.plain);
      if (session === undefined) return undefined;
      opened = { ...decrypted, shared: primitivesOnly(session.record.data) ? freezeSession(session) : undefined };
      if (this.#opened.size >= OPENED_CACHE_SIZE) this.#opened.clear();
      this.#opened.set(key, opened);
    }
    const session = opened.shared ?? parseSealed(opened.plain)!;
    if (session.expires <= now) return undefined;
    return { ...session, rotated: opened.index > 0 };
  }

  /** The plaintext of `value` and the index of the key that opened it. */
  #decrypt(value: string, cookieName: string): { plain: string; index: number } | undefined {
    if (value.length > MAX_SEALED_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
    const bytes = Buffer.from(value, 'base64url');
    if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
    const iv = bytes.subarray(0, IV_BYTES);
    const encrypted = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
    const authTag = bytes.subarray(bytes.length - TAG_BYTES);
    for (let index = 0; index < this.#keys.length; index++) {
      const plain = decrypt(this.#keys[index]!, iv, encrypted, authTag, cookieName);
      if (plain !== undefined) return { plain, index };
    }
    return undefined;
  }
}

interface Opened {
  readonly plain: string;
  readonly index: number;
  readonly shared: SealedSession | undefined;
}

function primitivesOnly(data: Record<string, unknown>): boolean {
  for (const key in data) {
    const value = data[key];
    if (typeof value === 'object' && value !== null) return false;
  }
  return true;
}

function freezeSession(session: SealedSession): SealedSession {
  Object.freeze(session.record.data);
  Object.freeze(session.record);
  return Object.freeze(session);
}

function decrypt(key: Buffer, iv: Buffer, encrypted: Buffer, authTag: Buffer, cookieName: string): string | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(cookieName, 'utf8'));
  decipher.setAuthTag(authTag);
  try {
    return Buffer.concat([decipher.update(encrypted), decipher.final()]).toString('utf8');
  } catch {
    // The tag did not verify: another key, or bytes that were changed.
    return undefined;
  }
}

function parseSealed(plain: string): SealedSession | undefined {
  const parsed = parseJsonObject(plain);
  if (parsed === undefined) return undefined;
  const { id, record, expires } = parsed as { id?: unknown; record?: unknown; expires?: unknown };
  if (typeof id !== 'string' || !isSessionId(id) || typeof expires !== 'number') return undefined;
  const checked = asRecord(record);
  return checked === undefined ? undefined : { id, record: checked, expires };
}
