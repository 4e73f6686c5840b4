/**
 * Validators and conditional requests (RFC 9110 §8.8, §13) for files.
 *
 * @module
 */
import type { Stats } from 'node:fs';
import type { Environ } from '../../gateway/types.js';

/** A strong ETag from the file's size and modification time. */
export function fileEtag(stats: Stats): string {
  return `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

function tagList(header: string): string[] {
  return header.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
}

function parseDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : Math.floor(time / 1000);
}

/**
 * The outcome of the preconditions in RFC 9110 §13.2.2 order: `412` when
 * `If-Match` / `If-Unmodified-Since` fail, `304` when `If-None-Match` /
 * `If-Modified-Since` say the client's copy is current, else `proceed`.
 */
export function evaluatePreconditions(environ: Environ, etag: string, stats: Stats): 'proceed' | 304 | 412 {
  const modified = Math.floor(stats.mtimeMs / 1000);
  const ifMatch = environ.HTTP_IF_MATCH;
  if (ifMatch !== undefined) {
    const tags = tagList(ifMatch);
    // Strong comparison: weak tags never match.
    if (!tags.includes('*') && !tags.some((tag) => !tag.startsWith('W/') && tag === etag)) return 412;
  } else {
    const since = parseDate(environ.HTTP_IF_UNMODIFIED_SINCE);
    if (since !== undefined && modified > since) return 412;
  }
  const ifNoneMatch = environ.HTTP_IF_NONE_MATCH;
  if (ifNoneMatch !== undefined) {
    const tags = tagList(ifNoneMatch);
    // Weak comparison, so a compress middleware's W/ tag still validates.
    if (tags.includes('*') || tags.some((tag) => opaque(tag) === etag)) return 304;
  } else {
    const since = parseDate(environ.HTTP_IF_MODIFIED_SINCE);
    if (since !== undefined && modified <= since) return 304;
  }
  return 'proceed';
}

/** Whether `If-Range` (when present) still describes this file, so a range may be served. */
export function ifRangeHolds(environ: Environ, etag: string, stats: Stats): boolean {
  const ifRange = environ.HTTP_IF_RANGE?.trim();
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"')) return ifRange === etag;
  if (ifRange.startsWith('W/')) return false;
  const date = parseDate(ifRange);
  return date !== undefined && date === Math.floor(stats.mtimeMs / 1000);
}
