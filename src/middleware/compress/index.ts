/**
 * Response compression.
 *
 * @module tsgi/middleware/compress
 */
export { compress, type CompressOptions } from './compress.js';
export type { Encoding } from './negotiate.js';
export type { CompressionLevels } from './encoder.js';
