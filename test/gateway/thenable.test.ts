import { describe, expect, it } from 'vitest';
import { isThenable } from '../../src/gateway/thenable.js';

describe('isThenable', () => {
  it('accepts promises and any object or function with a then method, as Promises/A+ does', () => {
    const callable = Object.assign(() => undefined, { then: (resolve: (value: unknown) => void) => resolve([]) });
    expect(isThenable(Promise.resolve([]))).toBe(true);
    expect(isThenable({ then: () => undefined })).toBe(true);
    expect(isThenable(callable)).toBe(true);
  });

  it('refuses bodies and other values', () => {
    for (const value of [['x'], 'x', null, undefined, 0, { then: 'no' }, () => undefined]) expect(isThenable(value)).toBe(false);
  });
});
