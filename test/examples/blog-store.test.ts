import { readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blogHandler } from '../../examples/blog/app.js';
import { EntryIndex, type IndexedEntry } from '../../examples/blog/entry-index.js';
import { FileEntryStore } from '../../examples/blog/file-store.js';
import { TestClient } from '../../src/testing/index.js';
import { cleanUpAfterAll, keepStore, keepTemp, makeBlog } from './blog-fixture.js';
import { parseStrict, tempDir } from './blog-support.js';

cleanUpAfterAll();

describe('blog: storage', () => {
  it('keeps the index in list order through any sequence of changes', () => {
    const index = new EntryIndex();
    const truth = new Map<string, IndexedEntry>();
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let step = 0; step < 3000; step++) {
      const name = `n${random(200)}`;
      if (random(4) === 0) {
        index.delete(name, step);
        truth.delete(name);
      } else {
        const entry = { name, mtimeMs: random(50) * 1000 + random(3) / 7, size: random(5) };
        index.set(entry);
        truth.set(name, entry);
      }
    }
    const expected = [...truth.values()].sort((a, b) => b.mtimeMs - a.mtimeMs || (a.name < b.name ? -1 : 1));
    expect(index.page(0, 1000)).toEqual(expected);
    expect(index.size).toBe(truth.size);
    expect(index.page(10, 5)).toEqual(expected.slice(10, 15));
  });

  it('answers concurrent PUTs to one name with exactly one 201, and keeps one whole text', async () => {
    const { client, dir } = makeBlog();
    const texts = Array.from({ length: 10 }, (_, i) => `version ${i} `.repeat(1000));
    const responses = await Promise.all(texts.map((body) => client.put('/contested', { body })));
    expect(responses.filter((r) => r.status === 201).length).toBe(1);
    expect(responses.filter((r) => r.status === 200).length).toBe(9);
    expect(texts).toContain(readFileSync(join(dir, 'contested.txt'), 'utf8'));
    expect(readdirSync(dir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
  });

  it('does not follow a symbolic link planted in the directory', async () => {
    const { client, dir } = makeBlog();
    const outside = tempDir('outside');
    keepTemp(outside.remove);
    writeFileSync(join(outside.dir, 'secret.txt'), 'SECRET');
    symlinkSync(join(outside.dir, 'secret.txt'), join(dir, 'linked.txt'));
    expect((await client.get('/linked')).status).toBe(404);
    const list = parseStrict((await client.get('/?type=xml')).text());
    expect(list.documentElement!.getAttribute('total')).toBe('0');
    expect(list.documentElement!.textContent).not.toContain('SECRET');
    expect((await client.put('/linked', { body: 'replaced' })).status).toBe(201);
    expect(readFileSync(join(outside.dir, 'secret.txt'), 'utf8')).toBe('SECRET');
  });

  for (const watch of [true, false]) {
    it(`keeps entries written while the first list reads the directory (${watch ? 'fs.watch' : 'directory mtime'})`, async () => {
      const { dir } = tempDir('race');
      keepTemp(() => rmSync(dir, { recursive: true, force: true }));
      for (let i = 0; i < 2000; i++) writeFileSync(join(dir, `old-${i}.txt`), 'x');
      const store = new FileEntryStore(dir, { watch });
      keepStore(store);
      const [first] = await Promise.all([
        store.list(0, 1),
        ...Array.from({ length: 20 }, (_, i) => store.put(`new-${i}`, Buffer.from('y'))),
      ]);
      expect(first.total).toBeGreaterThanOrEqual(2000);
      expect((await store.list(0, 1)).total).toBe(2020);
    });
  }

  it('reclaims temp files a crash left an hour ago, and keeps recent ones', async () => {
    const { client, dir } = makeBlog();
    writeFileSync(join(dir, '.tmp-old'), 'old');
    utimesSync(join(dir, '.tmp-old'), new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    writeFileSync(join(dir, '.tmp-recent'), 'recent');
    expect((await client.get('/')).status).toBe(200);
    expect(readdirSync(dir).filter((f) => f.startsWith('.tmp-'))).toEqual(['.tmp-recent']);
  });

  it('creates the blog directory on first use', async () => {
    const parent = tempDir('create');
    keepTemp(parent.remove);
    const dir = join(parent.dir, 'a', 'b');
    const store = new FileEntryStore(dir);
    keepStore(store);
    const client = new TestClient(blogHandler({ store }));
    expect((await client.get('/?type=xml')).status).toBe(200);
    expect((await client.put('/hello', { body: 'hi' })).status).toBe(201);
    expect(readFileSync(join(dir, 'hello.txt'), 'utf8')).toBe('hi');
    expect(readFileSync(join(dir, '.blog-id'), 'utf8')).toMatch(/^[0-9a-f-]{36}\n$/);
  });
});

describe('blog: the index follows the disk', () => {
  for (const watch of [true, false]) {
    it(`sees entries created, edited and deleted by others (${watch ? 'fs.watch' : 'directory mtime'})`, async () => {
      const { client, dir } = makeBlog({ watch });
      await client.put('/mine', { body: 'mine' });
      const names = async () => Array.from(parseStrict((await client.get('/?type=xml')).text()).getElementsByTagName('name')).map((n) => n.textContent);
      const eventually = async (expected: string[]) => {
        for (let i = 0; i < 100; i++) {
          if (JSON.stringify(await names()) === JSON.stringify(expected)) return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(await names()).toEqual(expected);
      };
      await eventually(['mine']);
      writeFileSync(join(dir, 'theirs.txt'), 'theirs');
      utimesSync(join(dir, 'theirs.txt'), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
      writeFileSync(join(dir, '.tmp-0123'), 'temp');
      writeFileSync(join(dir, 'notes.md'), 'not an entry');
      await eventually(['theirs', 'mine']);
      unlinkSync(join(dir, 'theirs.txt'));
      await eventually(['mine']);
      if (watch) {
        // Edited in place: no directory change, only the watcher can tell.
        writeFileSync(join(dir, 'mine.txt'), 'edited by hand');
        let text = '';
        for (let i = 0; i < 100 && !text.includes('edited by hand'); i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          text = (await client.get('/?type=xml')).text();
        }
        expect(text).toContain('edited by hand');
      }
    });
  }
});
