import { describe, expect, it } from 'vitest';
import { CookieSealer } from '../../../src/middleware/session/sealing.js';
import { newSessionId } from '../../../src/middleware/session/signing.js';

const SECRET = 'a secret of at least thirty-two characters, for sealing';
const OLDER = 'an older secret of at least thirty-two characters';

function sealed(sealer: CookieSealer, expires: number, name = 'sid') {
  const now = Date.now();
  return sealer.seal({ id: newSessionId(), record: { data: { visits: 1, cart: ['a'] }, created: now, touched: now }, expires }, name);
}

// A value is decrypted once and remembered; these pin down that the memory
// changes no verdict.
describe('CookieSealer.open, opened again', () => {
  it('gives each open its own record, so one request cannot change what the next one reads', () => {
    const sealer = new CookieSealer([SECRET]);
    const value = sealed(sealer, Date.now() + 60_000);
    const first = sealer.open(value, 'sid', Date.now())!;
    (first.record.data['cart'] as string[]).push('mutated');
    const second = sealer.open(value, 'sid', Date.now())!;
    expect(second.record.data['cart']).toEqual(['a']);
  });

  it('shares a record of primitives between opens only frozen, so nothing can change it in place', () => {
    const sealer = new CookieSealer([SECRET]);
    const now = Date.now();
    const value = sealer.seal({ id: newSessionId(), record: { data: { visits: 3 }, created: now, touched: now }, expires: now + 60_000 }, 'sid');
    const first = sealer.open(value, 'sid', now)!;
    const second = sealer.open(value, 'sid', now)!;
    expect(second.record.data).toEqual({ visits: 3 });
    expect(Object.isFrozen(first.record.data) && Object.isFrozen(first.record)).toBe(true);
    expect(() => {
      (first.record.data as Record<string, unknown>)['visits'] = 4;
    }).toThrow(TypeError);
  });

  it('still refuses a value once it has expired, though it opened before', () => {
    const sealer = new CookieSealer([SECRET]);
    const expires = Date.now() + 1_000;
    const value = sealed(sealer, expires);
    expect(sealer.open(value, 'sid', expires - 1)).toBeDefined();
    expect(sealer.open(value, 'sid', expires)).toBeUndefined();
  });

  it('does not open a remembered value under another cookie name, nor a tampered copy of it', () => {
    const sealer = new CookieSealer([SECRET]);
    const value = sealed(sealer, Date.now() + 60_000);
    expect(sealer.open(value, 'sid', Date.now())).toBeDefined();
    expect(sealer.open(value, 'other', Date.now())).toBeUndefined();
    const flipped = value.slice(0, 20) + (value[20] === 'A' ? 'B' : 'A') + value.slice(21);
    expect(sealer.open(flipped, 'sid', Date.now())).toBeUndefined();
  });

  it('reports the rotation of a value an older secret sealed, every time', () => {
    const value = sealed(new CookieSealer([OLDER]), Date.now() + 60_000);
    const sealer = new CookieSealer([SECRET, OLDER]);
    expect(sealer.open(value, 'sid', Date.now())?.rotated).toBe(true);
    expect(sealer.open(value, 'sid', Date.now())?.rotated).toBe(true);
  });
});
