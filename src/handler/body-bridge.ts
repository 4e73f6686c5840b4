/**
 * The body functions the handler's helpers call. They come from
 * `src/body/`; this module is the one place that names them, so the
 * handler layer depends on one import.
 *
 * @module
 */
import { HttpError } from '../gateway/http-error.js';
import type { Environ } from '../gateway/types.js';
import { parseFields } from '../body/fields.js';
import { parseMediaType } from '../body/media-type.js';
import { readBody } from '../body/read.js';
import type { FieldRecord } from '../body/urlencoded.js';

// Interim stand-ins until src/body exports readBytes, readText, readJson,
// readForm, parseBody and multipart; then this file becomes one re-export.

/** Options shared by the buffered body readers. */
export interface BodyOptions {
  /** The most bytes to accept; more get a 413. */
  limit?: number;
}

/** Options for multipart parsing. */
export interface MultipartOptions extends BodyOptions {}

/** An uploaded file, held in memory. */
export interface UploadedFile {
  /** The form field's name. */
  readonly fieldName: string;
  /** The file name the client gave. */
  readonly filename: string;
  /** The part's media type. */
  readonly mimeType: string;
  /** The part's transfer encoding. */
  readonly encoding: string;
  /** The size in bytes. */
  readonly size: number;
  /** The content. */
  readonly bytes: Uint8Array;
  /** The content decoded as UTF-8. */
  text(): string;
}

/** Uploaded files by field name. */
export type FileRecord = Record<string, UploadedFile[]>;

/** A parsed form: its fields and its files. */
export interface FormData {
  /** Text fields. */
  readonly fields: FieldRecord;
  /** Uploaded files. */
  readonly files: FileRecord;
}

export async function readBytes(environ: Environ, options: BodyOptions = {}): Promise<Uint8Array> {
  return readBody(environ, options);
}

export async function readText(environ: Environ, options: BodyOptions = {}): Promise<string> {
  return (await readBody(environ, options)).toString('utf8');
}

export async function readJson(environ: Environ, options: BodyOptions = {}): Promise<unknown> {
  const type = parseMediaType(environ.CONTENT_TYPE)?.essence;
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    throw new HttpError(415, `Expected application/json, got ${environ.CONTENT_TYPE ?? 'no Content-Type'}`);
  }
  const text = (await readBody(environ, options)).toString('utf8');
  try {
    return JSON.parse(text, (_key, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.assign(Object.create(null) as object, value) : value,
    );
  } catch (error) {
    throw new HttpError(400, `Malformed JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function readForm(environ: Environ, options: MultipartOptions = {}): Promise<FormData> {
  const type = parseMediaType(environ.CONTENT_TYPE)?.essence;
  if (type === 'multipart/form-data') throw new HttpError(415, 'multipart/form-data is not supported yet');
  return { fields: await parseFields(environ, options), files: Object.create(null) as FileRecord };
}

export async function parseBody(environ: Environ, options: BodyOptions = {}): Promise<unknown> {
  const type = parseMediaType(environ.CONTENT_TYPE)?.essence;
  if (type === 'application/json' || type?.endsWith('+json') === true) return readJson(environ, options);
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') return readForm(environ, options);
  return readText(environ, options);
}

export function multipart(_environ: Environ, _options: MultipartOptions = {}): AsyncIterable<never> {
  throw new HttpError(415, 'multipart/form-data is not supported yet');
}
