/**
 * Whole forms, urlencoded or multipart, with their files in memory.
 *
 * @module
 */
import type { Environ } from '../gateway/types.js';
import { parseFields } from './fields.js';
import { collectMultipart, type FileRecord, type FormOptions, type ParsedForm } from './form-collect.js';
import { parseMediaType } from './media-type.js';

/**
 * Reads a form body, `application/x-www-form-urlencoded` or
 * `multipart/form-data`, into its fields and files (files held in memory,
 * so the whole body is capped by `options.limit`, 1 MiB by default; stream
 * bigger uploads with {@link saveFiles} or {@link multipart}). Every record
 * has a null prototype. No body gives no fields and no files.
 *
 * @throws {@link tsgi!HttpError} 415 for another type, 413 over a limit, 400 for
 *   a malformed body.
 * @example
 * ```ts
 * const { fields, files } = await readForm(environ, { limit: 5 * 1024 * 1024 });
 * const title = fields.title?.[0] ?? '';
 * const attachment = files.attachment?.[0]; // UploadedFile | undefined
 * ```
 *
 * @category Forms
 */
export async function readForm(environ: Environ, options: FormOptions = {}): Promise<ParsedForm> {
  if (parseMediaType(environ.CONTENT_TYPE)?.essence === 'multipart/form-data') {
    return collectMultipart(environ, options, true);
  }
  return { fields: await parseFields(environ, options), files: Object.create(null) as FileRecord };
}
