import { describe, expect, it } from 'vitest';
import { codeBlocks, markdownSection, snippetProblems } from '../support/doc-snippets.js';

// The TypeScript snippets in docs/streams.md are complete modules; each must
// compile against the real API, imported as a package user imports it.
describe('docs/streams.md', () => {
  it('has TypeScript snippets that type-check', async () => {
    const snippets = codeBlocks(await markdownSection('docs/streams.md'), 'ts');
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    expect(await snippetProblems(snippets)).toEqual([]);
  }, 60_000);
});
