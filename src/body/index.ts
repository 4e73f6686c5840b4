/**
 * Request body helpers, usable from handlers and from plain function apps:
 * whole bodies as bytes, text, JSON or fields, streamed multipart parts, and
 * uploads saved to disk, each bounded by limits that answer 4xx when passed.
 *
 * @module tsgi/body
 */
export { parseMediaType, type MediaType } from './media-type.js';
export { DEFAULT_BODY_LIMIT, readBody, readBytes, type BodyOptions, type ReadBodyOptions } from './read.js';
export { decodeText, readText } from './text.js';
export { isJsonType, parseJson, readJson } from './json.js';
export { DEFAULT_MAX_FIELDS, parseUrlEncoded, parseUrlEncodedBytes, type FieldRecord, type UrlEncodedOptions } from './urlencoded.js';
export { parseFields, type ParseFieldsOptions } from './fields.js';
export { DEFAULT_MULTIPART_LIMITS, type MultipartLimits, type MultipartOptions } from './multipart-limits.js';
export { multipart } from './multipart.js';
export type { MultipartField, MultipartFile, MultipartIterator, MultipartPart } from './multipart-parts.js';
export type { FileRecord, FormOptions, ParsedForm, UploadedFile } from './form-collect.js';
export { readForm } from './form.js';
export { safeFilename, saveFiles, type SavedFile, type SavedForm, type SaveFilesOptions } from './save.js';
export { PARSEABLE_TYPES, parseBody } from './parse-body.js';
