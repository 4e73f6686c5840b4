/**
 * Entry names: from `PATH_INFO` to a name that is safe as a file name.
 *
 * The article turned `+` into `-` for the file and showed `-` as spaces in
 * the title, but took the rest of the path as it came, so `/../x` named a
 * file outside the blog. Here a name is checked before it comes near the
 * file system: only letters, digits and `- _ . ~ +` pass, which leaves no
 * way to spell a separator, a parent directory or a hidden file, however
 * the request encoded it (the server percent-decodes `PATH_INFO` once, so
 * `%2e%2e%2f` arrives as `../`, and `%252e` as `%2e`, whose `%` fails).
 */
import { HttpError } from '../../src/gateway/index.js';

/** The longest name, in UTF-8 bytes; with `.txt` and a temp prefix it stays far below 255. */
export const MAX_NAME_BYTES = 200;

// Letters and digits of any script (with their combining marks), and four
// punctuation marks that mean nothing to a file system or a URL path.
const SAFE_NAME = /^[\p{L}\p{M}\p{N}_.~+-]+$/u;

/**
 * The canonical entry name for a request path (`/my+entry` → `my-entry`),
 * in Unicode NFC so that one name is one file.
 *
 * @throws HttpError 400 "Missing path name" for the collection root, and a
 *   400 saying why for any other unacceptable name.
 */
export function entryNameFromPath(pathInfo: string): string {
  const raw = pathInfo.startsWith('/') ? pathInfo.slice(1) : pathInfo;
  if (raw === '') throw new HttpError(400, 'Missing path name');
  const reason = unsafeReason(raw);
  if (reason !== undefined) throw new HttpError(400, `Invalid entry name: ${reason}`);
  return raw.normalize('NFC').replaceAll('+', '-');
}

/** Whether `name` is a canonical entry name, as stored (used when reading the directory). */
export function isEntryName(name: string): boolean {
  return name !== '' && unsafeReason(name) === undefined && !name.includes('+') && name === name.normalize('NFC');
}

/** The title shown for an entry: its name with `-` as spaces. */
export function entryTitle(name: string): string {
  return name.replaceAll('-', ' ');
}

function unsafeReason(raw: string): string | undefined {
  if (raw.includes('\0')) return 'it contains a NUL character';
  if (raw.includes('/')) return "it contains '/'";
  if (raw.includes('\\')) return "it contains '\\'";
  if (raw.includes('..')) return "it contains '..'";
  if (raw.startsWith('.')) return "it starts with '.'";
  if (raw.startsWith('_')) return "it starts with '_', which is kept for the blog's own files (its stylesheet)";
  if (Buffer.byteLength(raw) > MAX_NAME_BYTES) return `it is longer than ${MAX_NAME_BYTES} bytes`;
  if (!SAFE_NAME.test(raw)) {
    const bad = [...raw].find((ch) => !SAFE_NAME.test(ch)) ?? '';
    return `${JSON.stringify(bad)} is not allowed; use letters, digits and - _ . ~ +`;
  }
  return undefined;
}
