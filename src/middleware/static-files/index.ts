/**
 * Static files.
 *
 * @module tsgi/middleware/static-files
 */
export { staticFiles, type StaticFilesOptions } from './static-files.js';
export type { DotfilePolicy } from './resolve.js';
