/**
 * The upload directory: files stored by `saveFiles`, each with a small JSON
 * file beside it holding what the page shows.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SavedFile } from '../../src/index.js';
import type { ListedFile } from './page.js';

const META = '.meta.json';

/** Records what the page shows about a stored file. */
export async function describeUpload(file: SavedFile, note: string): Promise<void> {
  const meta = { filename: file.filename, size: file.size, note, uploadedAt: new Date().toISOString() };
  await writeFile(`${file.path}${META}`, JSON.stringify(meta), { mode: 0o600 });
}

// Reads in flight at once while listing: enough to overlap the waits, few
// enough to leave the thread pool to other requests.
const LIST_CONCURRENCY = 16;

/** The stored files, newest first; a missing directory is an empty list. */
export async function listUploads(dir: string): Promise<ListedFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // Dot files are uploads still being written.
  const paths = names.filter((name) => !name.startsWith('.') && !name.endsWith(META)).map((name) => join(dir, name));
  // Read a few at a time rather than one by one: each read waits its turn
  // in libuv's thread pool behind other requests' writes and fsyncs, so one
  // after another the waits add up (seconds for a few dozen files).
  const listed: Array<ListedFile | undefined> = new Array(paths.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const index = next++;
      listed[index] = await readMeta(paths[index] as string);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LIST_CONCURRENCY, paths.length) }, worker));
  const files = listed.filter((file): file is ListedFile => file !== undefined);
  return files.sort((a, b) => b.uploadedAt.getTime() - a.uploadedAt.getTime());
}

async function readMeta(path: string): Promise<ListedFile | undefined> {
  try {
    const meta = JSON.parse(await readFile(`${path}${META}`, 'utf8')) as { filename?: unknown; note?: unknown; uploadedAt?: unknown };
    const { size } = await stat(path);
    return {
      filename: typeof meta.filename === 'string' ? meta.filename : '',
      note: typeof meta.note === 'string' ? meta.note : '',
      size,
      uploadedAt: new Date(typeof meta.uploadedAt === 'string' ? meta.uploadedAt : 0),
    };
  } catch {
    // A file without its description is one being stored right now, or
    // not ours: either way, not listed.
    return undefined;
  }
}
