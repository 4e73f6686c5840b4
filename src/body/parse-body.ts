/**
 * A body parsed by its `Content-Type`.
 *
 * @module
 */
import { HttpError } from '../gateway/http-error.js';
import { hasRequestBody } from '../gateway/request-body.js';
import type { Environ } from '../gateway/types.js';
import { parseFields } from './fields.js';
import type { FormOptions } from './form-collect.js';
import { isJsonType, readJson } from './json.js';
import { parseMediaType } from './media-type.js';
import { readText } from './text.js';

/**
 * The media types {@link parseBody} accepts, as it lists them in a 415.
 *
 * @example
 * ```ts
 * PARSEABLE_TYPES.includes('application/json'); // true
 * ```
 *
 * @category Forms
 */
export const PARSEABLE_TYPES: readonly string[] = Object.freeze([
  'application/json',
  'application/*+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/*',
]);

/**
 * Parses the body by its `Content-Type`:
 *
 * | type | result |
 * |---|---|
 * | `application/json`, `*+json` | the value, as {@link readJson} gives it |
 * | `application/x-www-form-urlencoded`, `multipart/form-data` | the fields, a {@link FieldRecord} |
 * | `text/*` | the text, as {@link readText} gives it |
 *
 * A form gives its fields whatever its encoding, so a page may switch its
 * form to multipart without the handler noticing; the files of a multipart
 * body are read and dropped here (use {@link readForm} or {@link saveFiles}
 * for them). The whole body is capped by `options.limit` (1 MiB by default).
 * A request with no body and no `Content-Type` gives `undefined`.
 *
 * @throws {@link tsgi!HttpError} 415 for any other or missing type, listing the
 *   accepted ones; otherwise as the helper for that type.
 * @example
 * ```ts
 * const body = await parseBody(environ);
 * if (typeof body === 'string') console.log('text', body);
 * ```
 *
 * @category Forms
 */
export async function parseBody(environ: Environ, options: FormOptions = {}): Promise<unknown> {
  if (environ.CONTENT_TYPE === undefined && !hasRequestBody(environ)) return undefined;
  const type = parseMediaType(environ.CONTENT_TYPE);
  const essence = type?.essence ?? '';
  if (isJsonType(essence)) return readJson(environ, options);
  if (essence === 'application/x-www-form-urlencoded' || essence === 'multipart/form-data') return parseFields(environ, options);
  if (essence.startsWith('text/')) return readText(environ, options);
  const got = environ.CONTENT_TYPE === undefined ? 'no Content-Type' : `Content-Type ${JSON.stringify(environ.CONTENT_TYPE.slice(0, 100))}`;
  throw new HttpError(415, `Cannot parse a body with ${got}; expected one of ${PARSEABLE_TYPES.join(', ')}`, {
    headers: [['Accept-Post', 'application/json, application/x-www-form-urlencoded, multipart/form-data, text/plain']],
  });
}
