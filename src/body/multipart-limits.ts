/**
 * The limits a `multipart/form-data` body is held to, and their defaults.
 *
 * @module
 */
import { HttpError } from '../gateway/http-error.js';
import type { BodyOptions } from './read.js';

/**
 * Limits on a `multipart/form-data` body. Going past any of them answers
 * `413 Content Too Large` naming the limit; nothing is truncated silently.
 * Unset limits take {@link DEFAULT_MULTIPART_LIMITS}.
 *
 * @example
 * ```ts
 * const limits: MultipartLimits = { fileSize: 20 * 1024 * 1024, files: 3, fields: 20 };
 * for await (const part of multipart(environ, { limits })) console.log(part.name);
 * ```
 *
 * @category Multipart and uploads
 */
export interface MultipartLimits {
  /** The most bytes in one file. Default 100 MiB. */
  fileSize?: number;
  /** The most file parts. Default 10. */
  files?: number;
  /** The most non-file fields. Default 100. */
  fields?: number;
  /** The most bytes in one field's value. Default 64 KiB. */
  fieldSize?: number;
  /** The most parts of any kind. Default `files + fields`. */
  parts?: number;
  /** The most header lines in one part. Default 16. */
  headerPairs?: number;
  /**
   * The most bytes in one part's header block, blank line included.
   * Default 8 KiB; at most 16 KiB, the most the parser reads.
   */
  headerSize?: number;
}

/**
 * Options for {@link multipart} and the helpers built on it.
 *
 * @example
 * ```ts
 * const options: MultipartOptions = { limit: 50 * 1024 * 1024, limits: { files: 1 } };
 * ```
 *
 * @category Multipart and uploads
 */
export interface MultipartOptions extends BodyOptions {
  /** Per-part limits; see {@link MultipartLimits}. */
  limits?: MultipartLimits;
}

/**
 * The default {@link MultipartLimits}; `parts` defaults to `files + fields`.
 *
 * @example
 * ```ts
 * const generous = { ...DEFAULT_MULTIPART_LIMITS, files: 50 };
 * ```
 *
 * @category Multipart and uploads
 */
export const DEFAULT_MULTIPART_LIMITS: Readonly<Required<Omit<MultipartLimits, 'parts'>>> = Object.freeze({
  fileSize: 100 * 1024 * 1024,
  files: 10,
  fields: 100,
  fieldSize: 64 * 1024,
  headerPairs: 16,
  headerSize: 8 * 1024,
});

/** The most bytes of part headers the multipart parser reads. */
const PARSER_HEADER_SIZE = 16 * 1024;

/** Bytes of framing allowed on top of the parts' limits: boundaries, preamble, epilogue. */
const FRAMING_SLACK = 64 * 1024;

/**
 * Every limit filled in, plus `limit`, the whole body's cap.
 *
 * @example
 * ```ts
 * const resolved: ResolvedMultipartLimits = resolveMultipartLimits({ limits: { files: 1 } });
 * resolved.parts; // 101
 * ```
 */
export interface ResolvedMultipartLimits extends Required<MultipartLimits> {
  /** The whole body's cap in bytes. */
  limit: number;
}

/**
 * Fills in the defaults. Without an explicit `limit`, the whole body may be
 * as large as its parts could lawfully make it (files × fileSize + fields ×
 * fieldSize + parts × headerSize, plus 64 KiB of framing), so a streamed
 * upload is bounded without a second, surprising limit.
 *
 * @throws `RangeError` for a negative or non-numeric limit: a programming error.
 * @example
 * ```ts
 * resolveMultipartLimits({ limits: { files: 2, fileSize: 1024 } }).files; // 2
 * ```
 */
export function resolveMultipartLimits(options: MultipartOptions = {}): ResolvedMultipartLimits {
  const given = options.limits ?? {};
  const pick = (name: keyof typeof DEFAULT_MULTIPART_LIMITS): number => checked(name, given[name] ?? DEFAULT_MULTIPART_LIMITS[name]);
  const files = pick('files');
  const fields = pick('fields');
  const fileSize = pick('fileSize');
  const fieldSize = pick('fieldSize');
  const headerSize = Math.min(pick('headerSize'), PARSER_HEADER_SIZE);
  const parts = checked('parts', given.parts ?? files + fields);
  const limit = checked('limit', options.limit ?? files * fileSize + fields * fieldSize + parts * headerSize + FRAMING_SLACK);
  return { files, fields, fileSize, fieldSize, headerSize, parts, headerPairs: pick('headerPairs'), limit };
}

function checked(name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new RangeError(`multipart limit ${name} must be a non-negative number, got ${String(value)}`);
  }
  return value;
}

/**
 * The 413 for a multipart limit, naming it and its value.
 *
 * @example
 * ```ts
 * throw limitExceeded('files', 10, 'too many files');
 * ```
 */
export function limitExceeded(name: keyof MultipartLimits | 'limit', value: number, what: string): HttpError {
  return new HttpError(413, `${what}: the ${name} limit is ${value}`);
}
