import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, ROOT, runCli, startedUrl } from '../cli/helpers.js';
import type { App } from '../../src/gateway/types.js';
import { showErrors } from '../../src/middleware/errors/index.js';
import { TestClient } from '../../src/testing/index.js';

// A compiled TypeScript app under the real CLI, as a developer runs one: the
// page must name the .ts file and line, which differ from the .js ones (the
// type alias above the throw is gone from the compiled file).
const APP = [
  `import { showErrors } from ${JSON.stringify(join(ROOT, 'dist/src/middleware/errors/index.js'))};`,
  `type StartResponse = (status: string, headers: [string, string][]) => unknown;`,
  `function total(items: number[]): number {`,
  `  if (items.length > 1) throw new Error('<b>too many</b> items: ' + items.length);`,
  `  return items[0] ?? 0;`,
  `}`,
  `function site(environ: { PATH_INFO: string }, startResponse: StartResponse): string[] {`,
  `  const sum = total([1, 2]);`,
  `  startResponse('200 OK', [['Content-Type', 'text/plain']]);`,
  `  return [String(sum)];`,
  `}`,
  `export const app = showErrors(site as never, { debug: process.env.APP_DEBUG === '1' });`,
  ``,
].join('\n');

let dir: string;
beforeAll(async () => {
  requireBuild();
  dir = await mkdtemp(join(tmpdir(), 'tsgi-source-'));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'app.ts'), APP);
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'dist', rootDir: 'src',
        sourceMap: true, inlineSources: true, noCheck: true, skipLibCheck: true, types: [],
      },
    }),
  );
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function page(debug: boolean): Promise<{ status: number; type: string | null; body: string }> {
  const cli = runCli(['serve', `${join(dir, 'dist/app.js')}:app`, '--port', '0'], debug ? { APP_DEBUG: '1' } : {});
  try {
    const url = await startedUrl(cli);
    const response = await fetch(url, { headers: { Accept: 'text/html' } });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
}

const SHOWN_LINE = `&gt; 4 |   if (items.length &gt; 1) throw new Error(&#39;&lt;b&gt;too many&lt;/b&gt; items: &#39; + items.length);`;

// One after another: the second case moves the source away.
describe('showErrors debug page: the source line that threw', () => {
  it('shows the .ts file, line and column and the lines around it, escaped, read from disk', async () => {
    const { status, type, body } = await page(true);
    expect(status).toBe(500);
    expect(type).toBe('text/html; charset=utf-8');
    expect(body).toContain(`<h2>Source</h2>\n  <pre class="source">${join(dir, 'src', 'app.ts')}:4:`);
    expect(body).toContain(`  3 | function total(items: number[]): number {`);
    expect(body).toContain(SHOWN_LINE);
    expect(body).toContain(`  5 |   return items[0] ?? 0;`);
    expect(body).not.toContain('<b>too many');
    // The stack is source-mapped too: the .ts file, not the .js one.
    expect(body).toMatch(/at total \(\S+\/src\/app\.ts:4:\d+\)/);
  });

  it("shows them from the source map's sourcesContent when the .ts file is not on disk", async () => {
    await rename(join(dir, 'src'), join(dir, 'src-moved-away'));
    try {
      const { body } = await page(true);
      expect(body).toContain(`<pre class="source">${join(dir, 'src', 'app.ts')}:4:`);
      expect(body).toContain(SHOWN_LINE);
      expect(body).toContain(`  3 | function total(items: number[]): number {`);
    } finally {
      await rename(join(dir, 'src-moved-away'), join(dir, 'src'));
    }
  });

  it('shows none of it without debug', async () => {
    const { status, body } = await page(false);
    expect(status).toBe(500);
    expect(body).toContain('The server could not complete this request.');
    for (const secret of ['app.ts', 'app.js', 'too many', 'throw new Error', 'Source', 'Stack trace']) expect(body).not.toContain(secret);
  });
});

describe('showErrors debug: the source in text and problem+json', () => {
  const crash = (): never => {
    throw new Error('plain crash');
  };
  const client = new TestClient(showErrors(crash as unknown as App, { debug: true }));

  it('puts file:line:col and the marked line above the stack in text, and a source member in JSON', async () => {
    const text = (await client.get('/', { headers: { Accept: 'text/plain' } })).text();
    expect(text).toMatch(/\n\S+errors-source\.test\.ts:\d+:\d+\n(?:  .*\n)*> +\d+ \|     throw new Error\('plain crash'\);\n +\| +\^\n/);
    expect(text.indexOf('errors-source.test.ts:')).toBeLessThan(text.indexOf('Error: plain crash\n    at'));
    const problem = (await client.get('/', { headers: { Accept: 'application/json' } })).json() as { source?: { file: string; line: number; lines: { number: number; text: string }[] } };
    expect(problem.source?.file).toMatch(/errors-source\.test\.ts$/);
    expect(problem.source?.lines.find((line) => line.number === problem.source?.line)?.text).toBe(`    throw new Error('plain crash');`);
  });
});
