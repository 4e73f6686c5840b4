/**
 * Decoding compressed request bodies.
 *
 * @module tsgi/middleware/decompress
 */
export { decompress, type DecompressOptions } from './decompress.js';
export type { RequestCoding } from './decoder.js';
