/**
 * From the request's cookie to the session it names: a signed id read from
 * the store, or a record sealed in the cookie itself.
 *
 * @module
 */
import { parseCookie } from 'cookie';
import { isThenable } from '../../gateway/thenable.js';
import type { Environ } from '../../gateway/types.js';
import type { SessionConfig } from './options.js';
import type { OpenedSession } from './sealing.js';
import type { LoadedSession } from './session-state.js';
import type { SessionRecord } from './store.js';
import type { VerifiedId } from './signing.js';

const NO_COOKIE: LoadedSession = { cookiePresent: false, cookieId: undefined, rotated: false, record: undefined, source: undefined };
const BAD_COOKIE: LoadedSession = { cookiePresent: true, cookieId: undefined, rotated: false, record: undefined, source: undefined };

/** What a valid cookie value turned out to be. */
type Valid = { readonly kind: 'signed'; readonly found: VerifiedId } | { readonly kind: 'sealed'; readonly found: OpenedSession };

/**
 * The session the request's cookie names. Reads the store only for a
 * validly signed id; a sealed cookie needs no read at all.
 *
 * @throws whatever the store's `get` rejects with.
 */
export function loadSession(environ: Environ, config: SessionConfig, now: number): LoadedSession | Promise<LoadedSession> {
  const header = environ.HTTP_COOKIE;
  const value = header === undefined || header === '' ? undefined : parseCookie(header)[config.cookieName];
  if (value === undefined) return NO_COOKIE;
  const valid = check(value, config, now) ?? checkLaterCopies(header!, config, now);
  if (valid === undefined) return BAD_COOKIE;
  if (valid.kind === 'sealed') {
    const { id, record, rotated } = valid.found;
    if (config.expired(record, now)) return BAD_COOKIE;
    return { cookiePresent: true, cookieId: id, rotated, record, source: 'cookie' };
  }
  const { id, rotated } = valid.found;
  const found = (record: SessionRecord | undefined): LoadedSession => {
    const live = record !== undefined && !config.expired(record, now) ? record : undefined;
    return { cookiePresent: true, cookieId: id, rotated, record: live, source: 'store' };
  };
  // A store may answer a Promise-typed get() with any thenable, or at once.
  const record: unknown = config.store!.get(id);
  if (isThenable(record)) return Promise.resolve(record as PromiseLike<SessionRecord | undefined>).then(found);
  return found(record as SessionRecord | undefined);
}

function check(value: string, config: SessionConfig, now: number): Valid | undefined {
  // A signed id means nothing without a store to look it up in.
  if (config.store !== undefined) {
    const found = config.signer.verify(value);
    if (found !== undefined) return { kind: 'signed', found };
  }
  if (!config.deferNewSessions) return undefined;
  const found = config.sealer.open(value, config.cookieName, now);
  return found === undefined ? undefined : { kind: 'sealed', found };
}

/**
 * A browser sends every cookie of that name whose path matches, longest path
 * first, and the cookie package keeps only the first. A stale copy at a
 * deeper path (from an older secret, say) must not hide the valid one.
 */
function checkLaterCopies(header: string, config: SessionConfig, now: number): Valid | undefined {
  const segments = header.split(';');
  if (segments.length < 2) return undefined;
  let seen = 0;
  for (const segment of segments) {
    const value = parseCookie(segment)[config.cookieName];
    if (value === undefined || seen++ === 0) continue;
    const valid = check(value, config, now);
    if (valid !== undefined) return valid;
  }
  return undefined;
}
