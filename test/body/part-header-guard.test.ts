import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { PartHeaderGuard } from '../../src/body/part-header-guard.js';
import { HttpError } from '../../src/gateway/index.js';
import { BOUNDARY, multipartBody, type PartSpec } from './helpers.js';

const PARTS: PartSpec[] = [
  { name: 'a', value: 'one' },
  { name: 'f', filename: 'x.bin', data: Buffer.alloc(5000, 0x2d) },
  { name: 'b', value: `\r\n--${BOUNDARY.slice(0, 10)}` },
];

/** A deterministic sequence of chunk sizes from 1 to `max`. */
function* sizes(seed: number, max: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    yield 1 + (state % max);
  }
}

function feed(guard: PartHeaderGuard, body: Buffer, seed: number, max: number): void {
  const next = sizes(seed, max);
  for (let at = 0; at < body.length; ) {
    const size = next.next().value as number;
    guard.push(body.subarray(at, at + size));
    at += size;
  }
}

describe('PartHeaderGuard', () => {
  it('counts parts and sees the closing delimiter however the body is split', () => {
    const body = multipartBody(PARTS);
    for (let seed = 1; seed <= 40; seed++) {
      const guard = new PartHeaderGuard(BOUNDARY, { parts: 10, headerPairs: 4, headerSize: 1024 });
      feed(guard, body, seed, seed % 2 === 0 ? 7 : 300);
      expect(guard.parts, `seed ${seed}`).toBe(3);
      expect(guard.complete, `seed ${seed}`).toBe(true);
    }
  });

  it('reports a body cut before the closing delimiter as incomplete', () => {
    const body = multipartBody(PARTS);
    const guard = new PartHeaderGuard(BOUNDARY, { parts: 10, headerPairs: 4, headerSize: 1024 });
    guard.push(body.subarray(0, body.length - 5));
    expect(guard.complete).toBe(false);
  });

  it('throws 413 for one part too many, wherever the split', () => {
    const body = multipartBody([...PARTS, { name: 'c', value: 'x' }]);
    for (let seed = 1; seed <= 10; seed++) {
      const guard = new PartHeaderGuard(BOUNDARY, { parts: 3, headerPairs: 4, headerSize: 1024 });
      expect(() => feed(guard, body, seed, 50)).toThrow(HttpError);
    }
  });

  it('counts header lines split across chunks, CRLF included', () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\nv\r\n--${BOUNDARY}--`);
    for (let size = 1; size < 8; size++) {
      const ok = new PartHeaderGuard(BOUNDARY, { parts: 1, headerPairs: 3, headerSize: 1024 });
      for (let at = 0; at < body.length; at += size) ok.push(body.subarray(at, at + size));
      expect(ok.complete).toBe(true);
      const strict = new PartHeaderGuard(BOUNDARY, { parts: 1, headerPairs: 2, headerSize: 1024 });
      expect(() => {
        for (let at = 0; at < body.length; at += size) strict.push(body.subarray(at, at + size));
      }).toThrow('the headerPairs limit is 2');
    }
  });

  it('finds a delimiter that begins in a skipped chunk', () => {
    const body = multipartBody([{ name: 'f', filename: 'x', data: Buffer.alloc(100, 1) }]);
    const dataStart = body.indexOf('\r\n\r\n') + 4;
    const dataEnd = dataStart + 100;
    const guard = new PartHeaderGuard(BOUNDARY, { parts: 5, headerPairs: 4, headerSize: 1024 });
    guard.push(body.subarray(0, dataStart));
    // The chunk ends three bytes into the delimiter after the data.
    guard.skip(body.subarray(dataStart, dataEnd + 3));
    guard.push(body.subarray(dataEnd + 3));
    expect(guard.complete).toBe(true);
  });
});
