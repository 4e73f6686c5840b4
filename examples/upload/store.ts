/**
 * The upload directory: files stored by `saveFiles`, and beside them a
 * `.meta/` folder holding, per file, what the page shows. Keeping the
 * descriptions in a folder of their own means no upload's name (not even
 * `x.meta.json`) can be mistaken for one.
 *
 * The listing is kept in memory and read again only when the directory
 * changes, and then only for files not seen before, so a page view costs
 * two `stat` calls however many files there are.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SavedFile } from '../../src/body/index.js';
import type { ListedFile } from './page.js';

const META_DIR = '.meta';
// Reads in flight at once while listing: enough to overlap the waits in
// libuv's thread pool (behind other requests' writes and fsyncs), few enough
// to leave it to them.
const LIST_CONCURRENCY = 16;

/** Records what the page shows about a stored file. */
export async function describeUpload(file: SavedFile, note: string): Promise<void> {
  const meta = { filename: file.filename, size: file.size, note, uploadedAt: new Date().toISOString() };
  await mkdir(join(dirname(file.path), META_DIR), { recursive: true, mode: 0o700 });
  await writeFile(metaPath(file.path), JSON.stringify(meta), { mode: 0o600 });
}

/**
 * The newest `limit` stored files, newest first, and how many there are in
 * all; a missing directory is an empty list.
 */
export async function listUploads(dir: string, limit = 100): Promise<{ files: ListedFile[]; total: number }> {
  const index = (indexes.get(dir) ?? indexes.set(dir, new UploadIndex(dir)).get(dir)) as UploadIndex;
  const files = await index.files();
  return { files: files.slice(0, limit), total: files.length };
}

const indexes = new Map<string, UploadIndex>();

/** What one directory holds, as last read, and the stamp it was read at. */
class UploadIndex {
  readonly #dir: string;
  #stamp = '';
  #known = new Map<string, ListedFile>();
  #sorted: ListedFile[] = [];
  #reading: Promise<ListedFile[]> | undefined;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async files(): Promise<ListedFile[]> {
    const stamp = await this.#currentStamp();
    if (stamp === this.#stamp) return this.#sorted;
    // Concurrent page views share one rescan.
    this.#reading ??= this.#rescan(stamp).finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  // Another process may add files too, so the directories themselves say
  // whether anything changed: a file and its description each touch one.
  async #currentStamp(): Promise<string> {
    const [files, metas] = await Promise.all([mtimeOf(this.#dir), mtimeOf(join(this.#dir, META_DIR))]);
    return `${files}:${metas}`;
  }

  async #rescan(stamp: string): Promise<ListedFile[]> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      names = [];
    }
    // Dot files are uploads still being written, and the descriptions.
    const present = names.filter((name) => !name.startsWith('.'));
    const known = new Map<string, ListedFile>();
    const unread: string[] = [];
    for (const name of present) {
      const seen = this.#known.get(name);
      if (seen !== undefined) known.set(name, seen);
      else unread.push(name);
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < unread.length) {
        const name = unread[next++] as string;
        const listed = await readMeta(join(this.#dir, name));
        if (listed !== undefined) known.set(name, listed);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LIST_CONCURRENCY, unread.length) }, worker));
    this.#known = known;
    this.#sorted = [...known.values()].sort((a, b) => b.uploadedAt.getTime() - a.uploadedAt.getTime());
    this.#stamp = stamp;
    return this.#sorted;
  }
}

function metaPath(path: string): string {
  return join(dirname(path), META_DIR, `${basename(path)}.json`);
}

async function mtimeOf(path: string): Promise<string> {
  try {
    return String((await stat(path, { bigint: true })).mtimeNs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw error;
  }
}

async function readMeta(path: string): Promise<ListedFile | undefined> {
  try {
    const meta = JSON.parse(await readFile(metaPath(path), 'utf8')) as { filename?: unknown; note?: unknown; uploadedAt?: unknown };
    const { size } = await stat(path);
    return {
      filename: typeof meta.filename === 'string' ? meta.filename : '',
      note: typeof meta.note === 'string' ? meta.note : '',
      size,
      uploadedAt: new Date(typeof meta.uploadedAt === 'string' ? meta.uploadedAt : 0),
    };
  } catch {
    // A file without its description is one being stored right now, or
    // not ours: either way, not listed (and looked at again next time).
    return undefined;
  }
}
