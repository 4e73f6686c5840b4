/**
 * `application/x-www-form-urlencoded` parsing, for query strings and form bodies.
 *
 * @module
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { HttpError } from '../gateway/http-error.js';

/**
 * Parsed fields: each name maps to every value given for it, in order, like
 * Python's `parse_qs`. The record has a null prototype, so names such as
 * `__proto__` or `constructor` are plain keys and cannot pollute objects.
 *
 * @example
 * ```ts
 * const fields: FieldRecord = parseUrlEncoded('tag=a&tag=b');
 * fields.tag; // ['a', 'b']
 * ```
 *
 * @category Forms
 */
export type FieldRecord = Record<string, string[]>;

/**
 * Options for {@link parseUrlEncoded}.
 *
 * @example
 * ```ts
 * parseUrlEncoded(text, { maxFields: 100 });
 * ```
 *
 * @category Forms
 */
export interface UrlEncodedOptions {
  /** The most `name=value` pairs to accept; more get a 413. Default 1000. */
  maxFields?: number;
}

/**
 * The default cap on fields in one query string or form body.
 *
 * @example
 * ```ts
 * parseUrlEncoded(text, { maxFields: DEFAULT_MAX_FIELDS / 10 });
 * ```
 *
 * @category Forms
 */
export const DEFAULT_MAX_FIELDS = 1000;

/**
 * Parses `a=1&b=two+words&a=3` into a {@link FieldRecord}. `+` is a space,
 * percent-escapes are UTF-8, blank values are kept (`a=` gives `['']`) and
 * empty pairs (`&&`) are skipped. Escapes that do not spell UTF-8 (`a=%ff`)
 * are refused rather than replaced with U+FFFD, so no byte the client sent
 * is lost unnoticed.
 *
 * @throws {@link tsgi!HttpError} 400 for malformed percent-encoding or escapes
 *   that are not UTF-8, naming the field; 413 for more than `maxFields` pairs.
 * @example
 * ```ts
 * parseUrlEncoded('myparam=42&note=hi+there');
 * // { myparam: ['42'], note: ['hi there'] }
 * ```
 *
 * @category Forms
 */
export function parseUrlEncoded(text: string, options: UrlEncodedOptions = {}): FieldRecord {
  const maxFields = options.maxFields ?? DEFAULT_MAX_FIELDS;
  if (text === '') return Object.create(null) as FieldRecord;
  // Built as an ordinary object and given its null prototype at the end:
  // V8 adds keys fresh from the text to an ordinary object several times
  // faster than to a null-prototype one. Own keys are checked with hasOwn,
  // and `__proto__` is defined rather than assigned, so nothing inherited is
  // read and no prototype is ever set from the input.
  const fields: FieldRecord = {};
  let count = 0;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    if (++count > maxFields) throw new HttpError(413, `Too many fields: the limit is ${maxFields}`);
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const name = decodeComponent(rawName, rawName, true);
    const value = decodeComponent(rawValue, rawName);
    if (Object.hasOwn(fields, name)) (fields[name] as string[]).push(value);
    else if (name === '__proto__') Object.defineProperty(fields, name, { value: [value], writable: true, enumerable: true, configurable: true });
    else fields[name] = [value];
  }
  return Object.setPrototypeOf(fields, null) as FieldRecord;
}

/**
 * Parses an urlencoded body from its bytes, which must be UTF-8 (the only
 * charset form bodies are read in): raw bytes that are not UTF-8 are a 400
 * naming the field they are in, as escapes that are not are in
 * {@link parseUrlEncoded}.
 *
 * @throws {@link tsgi!HttpError} 400 for bytes or escapes that are not UTF-8 and for
 *   malformed percent-encoding, naming the field; 413 for more than `maxFields` pairs.
 * @example
 * ```ts
 * parseUrlEncodedBytes(Buffer.from('note=caf%C3%A9')); // { note: ['café'] }
 * parseUrlEncodedBytes(Buffer.from([0x61, 0x3d, 0xff])); // throws 400 field "a" is not valid UTF-8
 * ```
 *
 * @category Forms
 */
export function parseUrlEncodedBytes(bytes: Uint8Array, options: UrlEncodedOptions = {}): FieldRecord {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (isUtf8(buffer)) return parseUrlEncoded(buffer.toString('utf8'), options);
  // Rare, so found the slow way: Latin-1 keeps one character per byte, so
  // each pair's bytes can be checked on their own to name the culprit.
  for (const pair of buffer.toString('latin1').split('&')) {
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    if (!isUtf8(Buffer.from(rawName, 'latin1'))) throw badFieldName(Buffer.from(rawName, 'latin1').toString('utf8'));
    if (!isUtf8(Buffer.from(pair, 'latin1'))) throw notUtf8(decodeComponent(rawName, rawName));
  }
  throw new HttpError(400, 'Form body is not valid UTF-8');
}

const WELL_FORMED_ESCAPES = /^(?:[^%]|%[0-9A-Fa-f]{2})*$/;

function decodeComponent(raw: string, rawName: string, isName = false): string {
  const spaced = raw.includes('+') ? raw.replace(/\+/g, ' ') : raw;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    if (!WELL_FORMED_ESCAPES.test(spaced)) {
      throw new HttpError(400, `Malformed percent-encoding in field ${JSON.stringify(rawName.slice(0, 100))}`);
    }
    // Well-formed escapes that still fail to decode spell bytes that are not UTF-8.
    throw isName ? badFieldName(rawName) : notUtf8(decodeComponent(rawName, rawName, true));
  }
}

function notUtf8(name: string): HttpError {
  return new HttpError(400, `field ${JSON.stringify(name.slice(0, 100))} is not valid UTF-8`);
}

function badFieldName(shown: string): HttpError {
  return new HttpError(400, `field name ${JSON.stringify(shown.slice(0, 100))} is not valid UTF-8`);
}
