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
const ROUNDS = quick ? 3 : 5;
const REQUESTS_PER_ROUND = quick ? 50 : 100;
const WARMUP = 100;
const outFile = fileURLToPath(new URL('../../../bench/.out/blog.md', import.meta.url));
const log = (message: string): void => console.error(`[bench:blog] ${message}`);

interface Row {
  entries: number;
  firstList: number;
  xhtml: number;
  atom: number;
  notModified: number;
  naiveScan: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median over rounds of the mean time per call, in microseconds. */
async function timePerCall(call: () => Promise<unknown>, rounds = ROUNDS, perRound = REQUESTS_PER_ROUND): Promise<number> {
  const means: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) await call();
    means.push(Number(process.hrtime.bigint() - start) / 1000 / perRound);
  }
  return median(means);
}

function fillDirectory(dir: string, count: number): void {
  const base = 1_700_000_000;
  for (let i = 0; i < count; i++) {
    const file = join(dir, `entry-${i}.txt`);
    writeFileSync(file, `Entry number ${i}. ${'Some text of a typical length. '.repeat(10)}\n`);
    utimesSync(file, base + i, base + i);
  }
}

async function measure(count: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), `tsgi-bench-blog-${count}-`));
  const store = new FileEntryStore(dir);
  try {
    fillDirectory(dir, count);
    const client = new TestClient(blogHandler({ store }), { validate: false });
    const expectOk = (status: number, what: string) => {
      if (status !== 200 && status !== 304) throw new Error(`${what} answered ${status}`);
    };
    const startFirst = process.hrtime.bigint();
    const first = await client.get('/?type=atom');
    const firstList = Number(process.hrtime.bigint() - startFirst) / 1000;
    expectOk(first.status, 'the first list');
    if (!first.text().includes(`entry-${count - 1}`)) throw new Error('the newest entry is not listed first');
    const etag = first.headers.get('ETag')!;
    for (let i = 0; i < WARMUP; i++) await client.get('/');
    const xhtml = await timePerCall(async () => expectOk((await client.get('/')).status, 'xhtml list'));
    const atom = await timePerCall(async () => expectOk((await client.get('/?type=atom')).status, 'atom list'));
    const notModified = await timePerCall(async () => {
      const response = await client.get('/?type=atom', { headers: { 'If-None-Match': etag } });
      if (response.status !== 304) throw new Error(`conditional list answered ${response.status}`);
    });
    const naiveScan = await timePerCall(
      async () => {
        const names = await readdir(dir);
        await Promise.all(names.map((name) => stat(join(dir, name))));
      },
      3,
      count >= 10_000 ? 1 : 10,
    );
    return { entries: count, firstList, xhtml, atom, notModified, naiveScan };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function us(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} ms` : `${Math.round(value)} µs`;
}

const rows: Row[] = [];
for (const count of SIZES) {
  log(`${count} entries`);
  rows.push(await measure(count));
}

const ratio = (key: 'xhtml' | 'atom' | 'notModified'): string => (rows.at(-1)![key] / rows[0]![key]).toFixed(2);
const markdown = `## Blog: cost of a list request

The blog example's list (\`GET /\`, newest 20 of N entries) in process
through TestClient, median over ${ROUNDS} rounds of ${REQUESTS_PER_ROUND} sequential requests,
time per request. The first list reads the directory to build the index;
after that the list comes from the index and reads only the page's 20 files.
"Directory scan" is what each list would cost without the index
(readdir + stat of every entry). Node ${process.version}.

| entries | first list (builds index) | list, xhtml | list, Atom | list, Atom, 304 | directory scan |
|---:|---:|---:|---:|---:|---:|
${rows.map((r) => `| ${r.entries.toLocaleString('en')} | ${us(r.firstList)} | ${us(r.xhtml)} | ${us(r.atom)} | ${us(r.notModified)} | ${us(r.naiveScan)} |`).join('\n')}

From ${rows[0]!.entries} to ${rows.at(-1)!.entries.toLocaleString('en')} entries a list request costs ×${ratio('xhtml')} (xhtml),
×${ratio('atom')} (Atom) and ×${ratio('notModified')} (304): flat, while the scan it replaces grows with N.
`;

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, markdown);
console.log(markdown);
log(`wrote ${outFile}`);
