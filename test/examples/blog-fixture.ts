/**
 * A blog on a fresh temp directory, driven in process, for the blog tests.
 */
import { afterAll } from 'vitest';
import { blogHandler } from '../../examples/blog/app.js';
import { FileEntryStore } from '../../examples/blog/file-store.js';
import { TestClient } from '../../src/testing/index.js';
import { tempDir } from './blog-support.js';

const temps: Array<() => void> = [];
const stores: FileEntryStore[] = [];

/** Removes everything made by {@link makeBlog} and {@link keepTemp} once the file's tests end. */
export function cleanUpAfterAll(): void {
  afterAll(() => {
    for (const store of stores.splice(0)) store.close();
    for (const remove of temps.splice(0)) remove();
  });
}

/** Registers a temp directory (or anything) to remove after the tests. */
export function keepTemp(remove: () => void): void {
  temps.push(remove);
}

/** Registers a store to close after the tests. */
export function keepStore(store: FileEntryStore): void {
  stores.push(store);
}

/** A blog with its own directory, a TestClient for it, and its store. */
export function makeBlog(options: { watch?: boolean; baseUrl?: string; scriptName?: string } = {}) {
  const { dir, remove } = tempDir('unit');
  temps.push(remove);
  const store = new FileEntryStore(dir, { watch: options.watch ?? true });
  stores.push(store);
  const app = blogHandler({ store, title: 'Test blog', author: 'Ann Author' });
  const settings = {
    baseUrl: options.baseUrl ?? 'http://blog.test',
    ...(options.scriptName === undefined ? {} : { environ: { SCRIPT_NAME: options.scriptName } }),
  };
  const client = new TestClient(app, settings);
  // For requests no conforming server would pass on (a malformed Host), to
  // show the blog still refuses them itself.
  const laxClient = new TestClient(app, { ...settings, validate: false });
  return { dir, store, client, laxClient };
}
