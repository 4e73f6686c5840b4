/**
 * Reading the `Content-Type` of a request.
 *
 * @module
 */

/**
 * A parsed media type: its lower-cased essence (`type/subtype`) and its
 * parameters, with lower-cased names.
 *
 * @example
 * ```ts
 * const type: MediaType = { essence: 'text/plain', params: { charset: 'utf-8' } };
 * ```
 *
 * @category Whole bodies
 */
export interface MediaType {
  /** `type/subtype`, lower-cased. */
  essence: string;
  /** Parameters by lower-cased name; quoted values are unquoted. */
  params: Record<string, string>;
}

const recent = new Map<string, MediaType | null>();
const MAX_CACHED = 64;
const MAX_CACHED_LENGTH = 100;

/**
 * Parses a `Content-Type` value, or returns `undefined` for an absent or
 * malformed one.
 *
 * @example
 * ```ts
 * parseMediaType('Text/HTML; Charset="UTF-8"');
 * // { essence: 'text/html', params: { charset: 'UTF-8' } }
 * ```
 *
 * @category Whole bodies
 */
export function parseMediaType(value: string | undefined): MediaType | undefined {
  if (value === undefined) return undefined;
  let parsed = recent.get(value);
  if (parsed === undefined) {
    parsed = parse(value);
    // Clients send the same few Content-Types again and again; long or
    // varied values (a multipart boundary) are not worth keeping.
    if (value.length <= MAX_CACHED_LENGTH) {
      if (recent.size >= MAX_CACHED) recent.clear();
      recent.set(value, parsed);
    }
  }
  if (parsed === null) return undefined;
  // A fresh object each time, so a caller that edits its result edits only its own.
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name in parsed.params) params[name] = parsed.params[name] as string;
  return { essence: parsed.essence, params };
}

function parse(value: string): MediaType | null {
  const [head = '', ...rest] = value.split(';');
  const essence = head.trim().toLowerCase();
  if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+\/[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(essence)) return null;
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let paramValue = part.slice(eq + 1).trim();
    if (paramValue.length >= 2 && paramValue.startsWith('"') && paramValue.endsWith('"')) {
      paramValue = paramValue.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    if (name !== '') params[name] = paramValue;
  }
  return { essence, params };
}
