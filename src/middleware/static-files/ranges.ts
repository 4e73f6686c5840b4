/**
 * `Range: bytes=…` (RFC 9110 §14).
 *
 * @module
 */

/**
 * An inclusive byte range within a file.
 *
 * @example
 * ```ts
 * const firstKilobyte: ByteRange = { start: 0, end: 1023 };
 * ```
 */
export interface ByteRange {
  /** The first byte's offset. */
  start: number;
  /** The last byte's offset (inclusive). */
  end: number;
}

/**
 * What a `Range` header asks of a file of `size` bytes: `ignore` (absent,
 * malformed, not `bytes`, or several ranges, which are served as a full 200),
 * `unsatisfiable` (416), or the one range to send (206).
 *
 * @example
 * ```ts
 * parseRange('bytes=0-99', 1000);   // { start: 0, end: 99 }
 * parseRange('bytes=-100', 1000);   // { start: 900, end: 999 }
 * parseRange('bytes=2000-', 1000);  // 'unsatisfiable'
 * parseRange('bytes=0-1,5-9', 1000); // 'ignore'
 * ```
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'ignore' | 'unsatisfiable' {
  if (header === undefined) return 'ignore';
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (match === null) return 'ignore';
  const specs = match[1]!.split(',').map((spec) => spec.trim()).filter((spec) => spec !== '');
  if (specs.length !== 1) return 'ignore';
  const spec = /^(\d*)-(\d*)$/.exec(specs[0]!);
  if (spec === null || (spec[1] === '' && spec[2] === '')) return 'ignore';
  const [, first, last] = spec as unknown as [string, string, string];
  if (first.length > 15 || last.length > 15) return 'ignore';
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (last !== '' && end < start) return 'ignore';
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}
