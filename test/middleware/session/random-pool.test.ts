import { describe, expect, it } from 'vitest';
import { randomPooled } from '../../../src/middleware/session/random-pool.js';

describe('randomPooled', () => {
  it('hands out each byte once, across refills, in copies a refill leaves alone', () => {
    const first = randomPooled(24);
    const kept = Buffer.from(first);
    const seen = new Set<string>();
    // 1000 × 24 bytes passes the 4 KiB pool several times.
    for (let i = 0; i < 1000; i++) {
      const bytes = randomPooled(24);
      expect(bytes.length).toBe(24);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(1000);
    expect(first.equals(kept)).toBe(true);
  });

  it('gives bytes that look random: every value of a byte turns up', () => {
    const counts = new Uint32Array(256);
    for (let i = 0; i < 400; i++) for (const byte of randomPooled(64)) counts[byte]!++;
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });
});
