/**
 * What one list request of the blog example costs with 10, 1,000 and
 * 10,000 entries: the claim being tested is that it does not grow with the
 * number of entries, since the list comes from an in-memory index and only
 * the page's own files (20 by default) are read.
 *
 * The blog runs in process through TestClient (no validator, no socket), so
 * the figures are the app's own cost: HTTP framing would add the same
 * constant to each. The page's texts come from the store's memory cache
 * after the first request, as they would for a busy blog. For contrast, the table also times what a list without
 * an index would have to do every time: read the directory and stat every
 * entry.
 *
 * Run alone with `node dist/bench/blog/main.js` (after `npm run build`), or
 * as part of `npm run bench`. Writes `bench/.out/blog.md`.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blogHandler } from '../../examples/blog/app.js';
import { FileEntryStore } from '../../examples/blog/file-store.js';
import { TestClient } from '../../src/index.js';

const quick = process.env['BENCH_QUICK'] === '1';
const SIZES = [10, 1_000, 10_000] as const;
const ROUNDS = quick ? 3 : 9;
const REQUESTS_PER_ROUND = quick ? 30 : 60;
const WARMUP = 100;
// Every size fills the page, so each request renders the same number of entries.
const PAGE = 10;
const outFile = fileURLToPath(new URL('../../../bench/.out/blog.md', import.meta.url));
const log = (message: string): void => console.error(`[bench:blog] ${message}`);

type Kind = 'xhtml' | 'atom' | 'notModified';
const KINDS: readonly Kind[] = ['xhtml', 'atom', 'notModified'];

interface Blog {
  entries: number;
  dir: string;
  store: FileEntryStore;
  firstList: number;
  request: Record<Kind, () => Promise<void>>;
  samples: Record<Kind, number[]>;
  scan: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Mean time per call over `count` sequential calls, in microseconds. */
async function timePerCall(call: () => Promise<unknown>, count: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await call();
  return Number(process.hrtime.bigint() - start) / 1000 / count;
}

function fillDirectory(dir: string, count: number): void {
  const base = 1_700_000_000;
  for (let i = 0; i < count; i++) {
    const file = join(dir, `entry-${i}.txt`);
    writeFileSync(file, `Entry number ${i}. ${'Some text of a typical length. '.repeat(10)}\n`);
    utimesSync(file, base + i, base + i);
  }
}

async function setUp(count: number): Promise<Blog> {
  const dir = mkdtempSync(join(tmpdir(), `tsgi-bench-blog-${count}-`));
  fillDirectory(dir, count);
  const store = new FileEntryStore(dir);
  const client = new TestClient(blogHandler({ store }), { validate: false });
  const startFirst = process.hrtime.bigint();
  const first = await client.get(`/?type=atom&limit=${PAGE}`);
  const firstList = Number(process.hrtime.bigint() - startFirst) / 1000;
  if (first.status !== 200) throw new Error(`the first list answered ${first.status}`);
  if (!first.text().includes(`entry-${count - 1}`)) throw new Error('the newest entry is not listed first');
  const etag = first.headers.get('ETag')!;
  const expect = (status: number, wanted: number, what: string) => {
    if (status !== wanted) throw new Error(`${what} answered ${status}`);
  };
  const request: Record<Kind, () => Promise<void>> = {
    xhtml: async () => expect((await client.get(`/?limit=${PAGE}`)).status, 200, 'the xhtml list'),
    atom: async () => expect((await client.get(`/?type=atom&limit=${PAGE}`)).status, 200, 'the Atom list'),
    notModified: async () => expect((await client.get(`/?type=atom&limit=${PAGE}`, { headers: { 'If-None-Match': etag } })).status, 304, 'the conditional list'),
  };
  for (const kind of KINDS) for (let i = 0; i < WARMUP / KINDS.length; i++) await request[kind]();
  const scanOnce = async (): Promise<void> => {
    const names = await readdir(dir);
    await Promise.all(names.map((name) => stat(join(dir, name))));
  };
  const scans: number[] = [];
  for (let i = 0; i < 3; i++) scans.push(await timePerCall(scanOnce, count >= 10_000 ? 1 : 10));
  const scan = median(scans);
  return { entries: count, dir, store, firstList, request, samples: { xhtml: [], atom: [], notModified: [] }, scan };
}

function us(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} ms` : `${Math.round(value)} µs`;
}

const blogs: Blog[] = [];
try {
  for (const count of SIZES) {
    log(`${count} entries`);
    blogs.push(await setUp(count));
  }
  // Rounds interleave the sizes, in a different order each time, so that
  // whatever else the machine is doing weighs on all of them alike.
  for (let round = 0; round < ROUNDS; round++) {
    const order = blogs.map((blog, i) => ({ blog, key: (i * 7 + round * 5) % blogs.length })).sort((a, b) => a.key - b.key);
    for (const { blog } of order) {
      for (const kind of KINDS) blog.samples[kind].push(await timePerCall(blog.request[kind], REQUESTS_PER_ROUND));
    }
  }
} finally {
  for (const blog of blogs) {
    blog.store.close();
    rmSync(blog.dir, { recursive: true, force: true });
  }
}

const cost = (blog: Blog, kind: Kind): number => median(blog.samples[kind]);
const smallest = blogs[0]!;
const largest = blogs.at(-1)!;
const ratio = (kind: Kind): string => (cost(largest, kind) / cost(smallest, kind)).toFixed(2);
const markdown = `## Blog: cost of a list request

The blog example's list (\`GET /?limit=${PAGE}\`: the newest ${PAGE} of N entries, so
every size renders a full page) in process
through TestClient: time per request, median over ${ROUNDS} rounds of ${REQUESTS_PER_ROUND}
sequential requests, rounds interleaving the three sizes. The first list
reads the directory to build the index; after that a list comes from the
index and the page's texts from memory. "Directory scan" is what each list
would cost without the index (readdir + stat of every entry). Node ${process.version}.

| entries | first list (builds index) | list, xhtml | list, Atom | list, Atom, 304 | directory scan |
|---:|---:|---:|---:|---:|---:|
${blogs.map((b) => `| ${b.entries.toLocaleString('en')} | ${us(b.firstList)} | ${us(cost(b, 'xhtml'))} | ${us(cost(b, 'atom'))} | ${us(cost(b, 'notModified'))} | ${us(b.scan)} |`).join('\n')}

With ${largest.entries.toLocaleString('en')} entries instead of ${smallest.entries}, a list request costs ×${ratio('xhtml')} (xhtml),
×${ratio('atom')} (Atom) and ×${ratio('notModified')} (304); the directory scan costs ×${(largest.scan / smallest.scan).toFixed(0)}.
`;

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, markdown);
console.log(markdown);
log(`wrote ${outFile}`);
