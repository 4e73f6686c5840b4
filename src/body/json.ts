/**
 * JSON request bodies: checked type, located syntax errors, and objects
 * that cannot pollute prototypes.
 *
 * @module
 */
import { HttpError } from '../gateway/http-error.js';
import type { Environ } from '../gateway/types.js';
import { locateJsonError } from './json-syntax.js';
import { parseMediaType } from './media-type.js';
import { readBody, type BodyOptions } from './read.js';
import { decodeText } from './text.js';

const JSON_TYPE = 'application/json';

/**
 * Whether a media type essence is JSON: `application/json` or any `+json`
 * structured syntax suffix (RFC 6839), e.g. `application/merge-patch+json`.
 *
 * @example
 * ```ts
 * isJsonType('application/problem+json'); // true
 * isJsonType('text/json');                // false
 * ```
 *
 * @category Whole bodies
 */
export function isJsonType(essence: string): boolean {
  return essence === JSON_TYPE || essence.endsWith('+json');
}

/**
 * Parses a JSON text for a request: every object in the result, however
 * deep, has a null prototype, so keys such as `__proto__`, `constructor` or
 * `prototype` are plain own keys that pollute nothing. A leading byte-order
 * mark is ignored.
 *
 * @throws {@link tsgi!HttpError} 400 for empty or malformed JSON, naming the line,
 *   column and character offset where it broke.
 * @example
 * ```ts
 * const value = parseJson('{"__proto__": {"admin": true}}') as Record<string, unknown>;
 * Object.getPrototypeOf(value);  // null
 * ({} as Record<string, unknown>).admin; // undefined: nothing was polluted
 * ```
 *
 * @category Whole bodies
 */
export function parseJson(text: string): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    // Checked only on failure: a blank text never parses, and trimming every
    // body just to look would copy it.
    if (source.trim() === '') throw new HttpError(400, 'request body is empty; expected JSON');
    const where = locateJsonError(source);
    const detail =
      where === undefined
        ? `Malformed JSON: ${(error as Error).message}`
        : `Malformed JSON at line ${where.line}, column ${where.column} (character ${where.offset}): ${where.reason}`;
    throw new HttpError(400, detail, { cause: error });
  }
  return withNullPrototypes(parsed);
}

/**
 * Reads a JSON body. The `Content-Type` must be `application/json` or a
 * `+json` type, in UTF-8 (RFC 8259); it is checked before the body is read.
 *
 * @throws {@link tsgi!HttpError} 415 for another or missing type or charset
 *   (naming what came and what is expected), 400 for an empty or malformed
 *   body (saying where it broke), 413 for a body over `options.limit`
 *   (default 1 MiB).
 * @example
 * ```ts
 * const entry = (await readJson(environ)) as { title?: unknown };
 * if (typeof entry.title !== 'string') throw new HttpError(422, 'title must be a string');
 * ```
 *
 * @category Whole bodies
 */
export async function readJson(environ: Environ, options: BodyOptions = {}): Promise<unknown> {
  const type = parseMediaType(environ.CONTENT_TYPE);
  if (type === undefined || !isJsonType(type.essence)) {
    const got = environ.CONTENT_TYPE === undefined ? 'no Content-Type' : `Content-Type ${JSON.stringify(environ.CONTENT_TYPE.slice(0, 100))}`;
    throw new HttpError(415, `Expected ${JSON_TYPE} (or a +json type), got ${got}`, { headers: [['Accept-Post', JSON_TYPE]] });
  }
  const charset = type.params.charset?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpError(415, `Unsupported charset ${JSON.stringify(charset.slice(0, 40))}: JSON bodies must be UTF-8`);
  }
  const bytes = await readBody(environ, options);
  return parseJson(decodeText(bytes, 'utf-8'));
}

/**
 * Gives every plain object inside `value` a null prototype, in place, walking
 * with an explicit stack so deep nesting cannot overflow. In place is safe:
 * `JSON.parse` made these objects and nothing else holds them. The prototype
 * is cut before the keys are listed, so `for…in` sees own keys only, and a
 * `__proto__` key, which `JSON.parse` stores as an own data property, stays one.
 */
function withNullPrototypes(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const pending: object[] = [value];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        const item: unknown = current[i];
        if (typeof item === 'object' && item !== null) pending.push(item);
      }
    } else {
      Object.setPrototypeOf(current, null);
      const record = current as Record<string, unknown>;
      for (const name in record) {
        const item = record[name];
        if (typeof item === 'object' && item !== null) pending.push(item);
      }
    }
  }
  return value;
}
