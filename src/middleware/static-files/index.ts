/**
 * Static files.
 *
 * @module
 */
export { staticFiles, type StaticFilesOptions } from './static-files.js';
export { parseRange, type ByteRange } from './ranges.js';
export type { DotfilePolicy } from './resolve.js';
