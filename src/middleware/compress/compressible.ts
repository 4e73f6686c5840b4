/**
 * Which responses are worth compressing, and the header edits compression
 * implies.
 *
 * @module
 */
import { HeaderList } from '../../gateway/header-list.js';

const TEXTUAL_APPLICATION = new Set([
  'json', 'xml', 'javascript', 'ecmascript', 'x-javascript', 'wasm', 'graphql', 'x-www-form-urlencoded',
  'x-ndjson', 'ld+json', 'manifest+json', 'rtf', 'x-sh', 'sql', 'yaml', 'x-yaml', 'toml',
]);

/**
 * Whether a `Content-Type` names data that compresses well: `text/*`,
 * JSON, XML, JavaScript, SVG, anything `+json` or `+xml`, and a few other
 * textual application types. Images (other than SVG), audio, video, fonts
 * already compressed (woff, woff2), archives and `application/octet-stream`
 * do not.
 *
 * @example
 * ```ts
 * isCompressible('text/html; charset=utf-8'); // true
 * isCompressible('application/problem+json'); // true
 * isCompressible('image/png');                // false
 * ```
 */
export function isCompressible(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  // Responses repeat a handful of types, so the answer is cached.
  let known = compressibleCache.get(contentType);
  if (known === undefined) {
    known = classify(contentType);
    if (compressibleCache.size >= 512) compressibleCache.clear();
    compressibleCache.set(contentType, known);
  }
  return known;
}

const compressibleCache = new Map<string, boolean>();

function classify(contentType: string): boolean {
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  const slash = essence.indexOf('/');
  if (slash <= 0) return false;
  const type = essence.slice(0, slash);
  const subtype = essence.slice(slash + 1);
  if (type === 'text') return true;
  if (subtype.endsWith('+json') || subtype.endsWith('+xml')) return true;
  if (type === 'image') return subtype === 'svg+xml' || subtype === 'x-icon' || subtype === 'vnd.microsoft.icon' || subtype === 'bmp';
  if (type === 'application') return TEXTUAL_APPLICATION.has(subtype);
  if (type === 'font') return subtype === 'ttf' || subtype === 'otf';
  return false;
}

/**
 * Adds `Accept-Encoding` to `Vary`, keeping the names already there and
 * leaving `Vary: *` alone.
 *
 * @example
 * ```ts
 * const headers = new HeaderList([['Vary', 'Cookie']]);
 * addVary(headers, 'Accept-Encoding'); // Vary: Cookie, Accept-Encoding
 * ```
 */
export function addVary(headers: HeaderList, name: string): void {
  if (!headers.has('Vary')) {
    headers.add('Vary', name);
    return;
  }
  const existing = headers.getAll('Vary').flatMap((value) => value.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const lower = name.toLowerCase();
  if (existing.some((v) => v === '*' || v.toLowerCase() === lower)) return;
  headers.set('Vary', [...existing, name].join(', '));
}

/**
 * Whether `Cache-Control` forbids transforming the content (`no-transform`,
 * RFC 9111 §5.2.2.6).
 *
 * @example
 * ```ts
 * forbidsTransform(new HeaderList([['Cache-Control', 'public, no-transform']])); // true
 * ```
 */
export function forbidsTransform(headers: HeaderList): boolean {
  return headers.getAll('Cache-Control').some((value) => /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(value));
}

/**
 * Weakens a strong `ETag` (`"x"` becomes `W/"x"`): the compressed bytes
 * differ from the identity ones, so the validator may no longer claim
 * byte-for-byte equality, yet conditional requests keep working since
 * `If-None-Match` uses weak comparison.
 *
 * @example
 * ```ts
 * const headers = new HeaderList([['ETag', '"abc"']]);
 * weakenEtag(headers); // ETag: W/"abc"
 * ```
 */
export function weakenEtag(headers: HeaderList): void {
  const etag = headers.get('ETag');
  if (etag !== undefined && etag.startsWith('"')) headers.set('ETag', `W/${etag}`);
}

/**
 * Whether a `Content-Type` is `text/event-stream`, whose every chunk is an
 * event due at the client now, so the compressor flushes after each one.
 *
 * @example
 * ```ts
 * isEventStream('text/event-stream; charset=utf-8'); // true
 * isEventStream('text/plain');                       // false
 * ```
 */
export function isEventStream(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*text\/event-stream\s*(;|$)/i.test(contentType);
}
