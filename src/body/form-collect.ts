/**
 * Gathering a whole multipart body into records, shared by `parseFields`
 * and `readForm`.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { multipart } from './multipart.js';
import type { MultipartLimits } from './multipart-limits.js';
import { DEFAULT_BODY_LIMIT } from './read.js';
import type { FieldRecord } from './urlencoded.js';

/**
 * A file sent in a form, held in memory.
 *
 * @example
 * ```ts
 * const [avatar] = form.files.avatar ?? [];
 * if (avatar !== undefined) console.log(avatar.filename, avatar.size, avatar.mimeType);
 * ```
 *
 * @category Forms
 */
export interface UploadedFile {
  /** The form field it came in. */
  fieldName: string;
  /** The client's file name, without directories; display it escaped, never use it as a path. */
  filename: string;
  /** The media type the client declared; not verified. */
  mimeType: string;
  /** The part's Content-Transfer-Encoding, usually `7bit`. */
  encoding: string;
  /** Its size in bytes. */
  size: number;
  /** Its bytes. */
  bytes: Buffer;
  /** Its bytes decoded as UTF-8. */
  text(): string;
}

/**
 * Files by field name, each with every file sent under it, in order. The
 * record has a null prototype, like {@link FieldRecord}.
 *
 * @example
 * ```ts
 * const files: FileRecord = form.files;
 * const photos = files.photos ?? [];
 * ```
 *
 * @category Forms
 */
export type FileRecord = Record<string, UploadedFile[]>;

/**
 * A whole form: its text fields and its files.
 *
 * @example
 * ```ts
 * const { fields, files } = await readForm(environ);
 * ```
 *
 * @category Forms
 */
export interface ParsedForm {
  /** Text fields, as from {@link parseFields}. */
  fields: FieldRecord;
  /** Uploaded files, by field name. */
  files: FileRecord;
}

/**
 * Options for {@link readForm} and {@link parseFields}.
 *
 * @example
 * ```ts
 * const options: FormOptions = { limit: 4 * 1024 * 1024, limits: { files: 2 } };
 * ```
 *
 * @category Forms
 */
export interface FormOptions {
  /** The most bytes in the whole body, files included. Default 1 MiB. */
  limit?: number;
  /** The most fields; more get a 413. Default 1000 for urlencoded bodies, 100 for multipart. */
  maxFields?: number;
  /** Limits on a multipart body's parts; see {@link MultipartLimits}. */
  limits?: MultipartLimits;
}

/**
 * Reads a whole multipart body: fields always, files into memory when
 * `keepFiles`, else drained. A file input left empty (no file name, no
 * bytes) is not a file. The body is capped at `options.limit` (1 MiB by
 * default), since it is buffered.
 *
 * @example
 * ```ts
 * const { fields, files } = await collectMultipart(environ, {}, true);
 * ```
 */
export async function collectMultipart(environ: Parameters<typeof multipart>[0], options: FormOptions, keepFiles: boolean): Promise<ParsedForm> {
  const fields = Object.create(null) as FieldRecord;
  const files = Object.create(null) as FileRecord;
  const limits: MultipartLimits = { ...options.limits };
  if (limits.fields === undefined && options.maxFields !== undefined) limits.fields = options.maxFields;
  for await (const part of multipart(environ, { limit: options.limit ?? DEFAULT_BODY_LIMIT, limits })) {
    if (part.kind === 'field') {
      const values = fields[part.name];
      if (values === undefined) fields[part.name] = [part.value];
      else values.push(part.value);
      continue;
    }
    if (!keepFiles) continue;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    if (part.filename === '' && size === 0) continue;
    const bytes = Buffer.concat(chunks, size);
    const file: UploadedFile = {
      fieldName: part.name,
      filename: part.filename,
      mimeType: part.mimeType,
      encoding: part.encoding,
      size,
      bytes,
      text: () => bytes.toString('utf8'),
    };
    const list = files[part.name];
    if (list === undefined) files[part.name] = [file];
    else list.push(file);
  }
  return { fields, files };
}
