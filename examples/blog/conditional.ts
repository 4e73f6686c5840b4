/**
 * Conditional requests (RFC 9110 §13): ETag and Last-Modified validators,
 * and the order in which If-Match, If-Unmodified-Since, If-None-Match and
 * If-Modified-Since are weighed.
 */
import type { Environ } from '../../src/gateway/index.js';

/** An entity tag as written in a header. */
export interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** What a precondition is checked against: the resource as it is now. */
export interface CurrentState {
  /** Whether `tag` names the current representation (strong or weak comparison). */
  matches(tag: EntityTag, strong: boolean): boolean;
  lastModified: Date;
}

/** What to do with a request after its preconditions. */
export type Verdict = 'proceed' | 'not-modified' | 'failed';

/** `"opaque"` or `W/"opaque"`. */
export function formatEtag(tag: EntityTag): string {
  return `${tag.weak ? 'W/' : ''}"${tag.opaque}"`;
}

/** An IMF-fixdate, as Last-Modified wants it. */
export function httpDate(date: Date): string {
  return date.toUTCString();
}

/**
 * Parses an If-Match or If-None-Match value: `'*'`, or the entity tags it
 * lists. Malformed members are skipped: they can match nothing.
 */
export function parseEtagList(value: string): '*' | EntityTag[] {
  if (value.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  const member = /\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while (member.lastIndex < value.length && (match = member.exec(value)) !== null) {
    tags.push({ weak: match[1] !== undefined, opaque: match[2]! });
  }
  return tags;
}

/**
 * Evaluates the request's preconditions against the resource, in the order
 * of RFC 9110 §13.2.2. `current` is undefined when the resource does not
 * exist. Safe methods (GET, HEAD) may get `not-modified`; the others get
 * `failed` (412) where a safe one would get 304.
 */
export function evaluatePreconditions(environ: Environ, current: CurrentState | undefined): Verdict {
  const safe = environ.REQUEST_METHOD === 'GET' || environ.REQUEST_METHOD === 'HEAD';
  const ifMatch = environ.HTTP_IF_MATCH;
  if (ifMatch !== undefined) {
    if (!listMatches(parseEtagList(ifMatch), current, true)) return 'failed';
  } else {
    const since = parseHttpDate(environ.HTTP_IF_UNMODIFIED_SINCE);
    if (since !== undefined && current !== undefined && seconds(current.lastModified) > since) return 'failed';
  }
  const ifNoneMatch = environ.HTTP_IF_NONE_MATCH;
  if (ifNoneMatch !== undefined) {
    if (listMatches(parseEtagList(ifNoneMatch), current, false)) return safe ? 'not-modified' : 'failed';
  } else if (safe && current !== undefined) {
    const since = parseHttpDate(environ.HTTP_IF_MODIFIED_SINCE);
    if (since !== undefined && seconds(current.lastModified) <= since) return 'not-modified';
  }
  return 'proceed';
}

function listMatches(list: '*' | EntityTag[], current: CurrentState | undefined, strong: boolean): boolean {
  if (current === undefined) return false;
  if (list === '*') return true;
  return list.some((tag) => current.matches(tag, strong));
}

// HTTP dates have whole seconds, so times are compared at that precision.
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : Math.floor(time / 1000);
}
