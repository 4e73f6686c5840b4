import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { blogHandler } from '../../examples/blog/app.js';
import { FileEntryStore } from '../../examples/blog/file-store.js';
import { TestClient } from '../../src/testing/index.js';
import { tempDir } from './blog-support.js';

// The writer is the built store (`npm test` builds first), driven by a
// child process so that it can be killed for real.
const STORE_MODULE = pathToFileURL(resolve('dist/examples/blog/file-store.js')).href;

/** The text version `i` writes: its size varies, and it names itself at both ends. */
function content(i: number): string {
  const size = 20_000 + ((i * 7919) % 400_000);
  return `version ${i} size ${size}\n${String(i % 10).repeat(size)}\nend of version ${i}\n`;
}

const WRITER = `
import { FileEntryStore } from ${JSON.stringify(STORE_MODULE)};
const content = ${content.toString()};
const store = new FileEntryStore(process.argv[1], { watch: false });
for (let i = 0; i < 5000; i++) {
  await store.put('entry-' + (i % 4), Buffer.from(content(i)));
  if (i === 7) process.stdout.write('writing\\n');
}
process.stdout.write('finished\\n');
`;

const temps: Array<() => void> = [];
afterAll(() => {
  for (const remove of temps) remove();
});

describe('blog storage under SIGKILL', () => {
  it('leaves every entry whole, old or new, and no temp file that passes for an entry', async () => {
    const { dir, remove } = tempDir('crash');
    temps.push(remove);
    let finishedEarly = 0;
    let locksLeft = 0;
    for (const delay of [40, 110, 190]) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = once(child, 'exit');
      try {
        for await (const line of createInterface({ input: child.stdout! })) {
          if (line === 'writing') break;
        }
        await new Promise((done) => setTimeout(done, delay));
        if (child.exitCode !== null) finishedEarly++;
        child.kill('SIGKILL');
        const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
        expect(signal ?? 'finished').toMatch(/SIGKILL|finished/);
      } finally {
        child.kill('SIGKILL');
      }

      const files = readdirSync(dir);
      const entries = files.filter((file) => file.endsWith('.txt')).sort();
      expect(entries).toEqual(['entry-0.txt', 'entry-1.txt', 'entry-2.txt', 'entry-3.txt']);
      for (const file of entries) {
        const text = readFileSync(join(dir, file), 'utf8');
        const version = Number(/^version (\d+) /.exec(text)?.[1]);
        expect(Number.isInteger(version), file).toBe(true);
        expect(text === content(version), `${file} holds a torn version ${version}`).toBe(true);
      }
      // A lock file (see entry-locks.ts) is what a writer killed while holding it leaves.
      const locks = files.filter((file) => file.startsWith('.') && file.endsWith('.lock'));
      locksLeft += locks.length;
      expect(files.every((file) => file.endsWith('.txt') || file.startsWith('.tmp-') || file === '.blog-id' || locks.includes(file))).toBe(true);

      const store = new FileEntryStore(dir, { watch: false });
      // The dead writer's lock does not hold up the next one: its pid is gone.
      const started = Date.now();
      for (const file of entries) await store.put(file.replace(/\.txt$/, ''), Buffer.from(readFileSync(join(dir, file))));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(readdirSync(dir).filter((file) => file.endsWith('.lock'))).toEqual([]);
      const page = await store.list(0, 100);
      expect(page.entries.map((entry) => entry.name).sort()).toEqual(['entry-0', 'entry-1', 'entry-2', 'entry-3']);
      const client = new TestClient(blogHandler({ store }));
      for (const temp of files.filter((file) => file.startsWith('.tmp-'))) {
        expect((await client.get(`/${temp}`)).status).toBe(400);
        expect((await client.get(`/${temp.replace(/\.txt$/, '')}`)).status).toBe(400);
      }
    }
    // The kills must land while the writer is busy, or the test proves nothing.
    expect(finishedEarly).toBe(0);
    // The writer holds a lock for nearly all of its time, so a kill leaves one.
    expect(locksLeft).toBeGreaterThan(0);
  });
});
