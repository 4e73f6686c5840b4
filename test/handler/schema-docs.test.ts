import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BaseHandler, body, query, route, status } from '../../src/handler/index.js';
import { TestClient } from '../../src/testing/index.js';
import { codeBlocks, markdownSection, snippetProblems } from '../support/doc-snippets.js';

const validationSection = (): Promise<string> => markdownSection('docs/contracts.md', 'Validation');
const blocks = codeBlocks;

describe('docs/contracts.md, Validation', () => {
  it('has TypeScript snippets that type-check against the real API and libraries', async () => {
    const snippets = blocks(await validationSection(), 'ts');
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    expect(await snippetProblems(snippets)).toEqual([]);
  });

  it('shows the 422 body the first example answers to the request it shows', async () => {
    // The first snippet's class, as the docs write it.
    const Task = z.object({ title: z.string().min(1), items: z.array(z.object({ title: z.string().min(1) })).default([]) });
    @route('/:id')
    class Tasks extends BaseHandler {
      @status(201)
      doPOSTALL(@body(Task) task: z.infer<typeof Task>, @query('page', z.coerce.number().int().min(1).default(1)) page: number): string {
        return JSON.stringify({ task, page });
      }
    }
    const section = await validationSection();
    const request = blocks(section, 'http')[0]!;
    const [head, payload] = request.split('\n\n') as [string, string];
    const [line, ...headerLines] = head.split('\n');
    const [method, target] = line!.split(' ') as [string, string];
    const headers = Object.fromEntries(headerLines.map((header) => header.split(': ') as [string, string]));
    const response = await new TestClient(Tasks).request(method, target.replace('/tasks', '/'), { headers, body: payload.trim() });
    expect(response.status).toBe(422);
    expect(response.json()).toEqual(JSON.parse(blocks(section, 'json')[0]!));
  });
});
