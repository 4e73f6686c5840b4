/**
 * Random bytes for session ids and cookie IVs, drawn from a pool the CSPRNG
 * fills 4 KiB at a time.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { randomFillSync } from 'node:crypto';

// A randomBytes() call per id and per IV was the largest cost of a new
// session: each goes to OpenSSL on its own. The bytes are the same CSPRNG's,
// each handed out once, and copied, so a refill changes no earlier result.
const POOL = Buffer.alloc(4096);
let offset = POOL.length;

/**
 * `size` fresh random bytes (at most 4096), from the pool.
 *
 * @example
 * ```ts
 * const iv = randomPooled(12);
 * ```
 */
export function randomPooled(size: number): Buffer {
  if (offset + size > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const bytes = Buffer.from(POOL.subarray(offset, offset + size));
  // Spent bytes are wiped, so a copy of the pool shows none that were used.
  POOL.fill(0, offset, offset + size);
  offset += size;
  return bytes;
}
