/**
 * Decoding compressed request bodies.
 *
 * @module
 */
export { decompress, type DecompressOptions } from './decompress.js';
export { decodeBody, type RequestCoding } from './decoder.js';
