/**
 * Response compression.
 *
 * @module
 */
export { compress, type CompressOptions } from './compress.js';
export { negotiateEncoding, type Encoding, type EncodingChoice } from './negotiate.js';
export { isCompressible, addVary } from './compressible.js';
export type { CompressionLevels } from './encoder.js';
