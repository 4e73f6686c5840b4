/**
 * Request body helpers, usable from handlers and from plain function apps.
 *
 * @module
 */
export * from './media-type.js';
export * from './read.js';
export * from './content-encoding.js';
export * from './text.js';
export * from './json.js';
export * from './json-syntax.js';
export * from './urlencoded.js';
export * from './fields.js';
export * from './multipart-limits.js';
export * from './multipart.js';
export type { FileRecord, FormOptions, ParsedForm, UploadedFile } from './form-collect.js';
export * from './form.js';
export * from './save.js';
export * from './parse-body.js';
