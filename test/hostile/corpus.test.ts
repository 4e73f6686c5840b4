/** The corpus itself: large enough, every category covered, names unique. */
import { describe, expect, it } from 'vitest';
import { aborts } from './corpus/aborts.js';
import { auth } from './corpus/auth.js';
import { bodies } from './corpus/bodies.js';
import { framing } from './corpus/framing.js';
import { headersOut } from './corpus/headers-out.js';
import { paths } from './corpus/paths.js';
import { sessionCases } from './corpus/sessions.js';
import { slow } from './corpus/slow.js';
import type { Category } from './corpus/types.js';

const all = [...framing, ...paths, ...bodies, ...aborts, ...sessionCases, ...auth, ...headersOut, ...slow];

describe('the hostile corpus', () => {
  it('holds at least 150 requests over every category', () => {
    expect(all.length).toBeGreaterThanOrEqual(150);
    const counts = new Map<Category, number>();
    for (const hostile of all) counts.set(hostile.category, (counts.get(hostile.category) ?? 0) + 1);
    for (const category of ['framing', 'paths', 'bodies', 'sessions', 'auth', 'headers-out', 'aborts', 'slow'] as const) {
      expect(counts.get(category) ?? 0, category).toBeGreaterThanOrEqual(8);
    }
  });

  it('names every case uniquely', () => {
    const names = all.map((hostile) => `${hostile.category}: ${hostile.name}`);
    expect(new Set(names).size).toBe(names.length);
  });
});
