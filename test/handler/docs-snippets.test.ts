import { describe, expect, it } from 'vitest';
import { codeBlocks, markdownSection, snippetProblems } from '../support/doc-snippets.js';

// The snippets in docs/handlers.md are complete modules; each must compile
// against the real API with the tsconfig the page asks for.
describe('docs/handlers.md', () => {
  it('has TypeScript snippets that type-check', async () => {
    const snippets = codeBlocks(await markdownSection('docs/handlers.md'), 'ts');
    expect(snippets.length).toBeGreaterThanOrEqual(6);
    expect(await snippetProblems(snippets)).toEqual([]);
  }, 60_000);
});
