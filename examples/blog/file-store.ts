/**
 * The blog's entries as files: `<dir>/<name>.txt`, one per entry.
 */
import { createHash, randomUUID } from 'node:crypto';
import { constants, watch, type FSWatcher } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory, TEMP_PREFIX, writeFileAtomic } from './atomic-file.js';
import { EntryIndex, type IndexedEntry } from './entry-index.js';
import { EntryLocks, isLockFile, type EntryLockOptions } from './entry-locks.js';
import { LockTimeoutError, type FileLock } from './file-lock.js';
import { isEntryName } from './names.js';
import { EntryBusyError, type Entry, type EntryPage, type EntryStore, type WriteCheck } from './store.js';

/** Options for a {@link FileEntryStore}. */
export interface FileEntryStoreOptions {
  /**
   * Follow changes other processes make in the directory with fs.watch
   * (default true). Without it, or where watching fails, each list request
   * compares the directory's mtime instead.
   */
  watch?: boolean;
  /** How long a write waits for the entry's lock, and when a lock is stale; see entry-locks.ts. */
  locks?: EntryLockOptions;
}

const SUFFIX = '.txt';
const BLOG_ID_FILE = '.blog-id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STAT_BATCH = 128;
const STALE_TEMP_MS = 60 * 60 * 1000;
// Texts kept in memory for the list, so a page costs no file reads; a text
// is used only while the index shows the same mtime and size for its file.
const TEXT_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Entries stored one per file, written atomically (see atomic-file.ts).
 *
 * The list comes from an in-memory index, so its cost does not grow with
 * the number of entries. The index follows this store's own writes
 * directly. Changes made on disk by anyone else reach it in one of two ways:
 * - fs.watch (inotify on Linux) reports each changed file name, and only
 *   that file is stat'ed again. A report without a name, or a watcher
 *   error, makes the next list read the whole directory again.
 * - Where watching is unavailable or switched off (some network file
 *   systems), every list stats the directory: creating, deleting or
 *   renaming a file changes the directory's mtime, which makes the next
 *   list re-read it. That misses an existing file edited in place, which
 *   is why watching comes first.
 *
 * Writes to one name are serialized across every process using the
 * directory, by a lock file beside the entry (see entry-locks.ts), so a
 * conditional write's check and the write itself cannot interleave with
 * another request's, in this process or another. A write that cannot get the
 * lock in time rejects with {@link EntryBusyError}.
 */
export class FileEntryStore implements EntryStore {
  /** The directory holding the entries. */
  readonly dir: string;
  readonly #index = new EntryIndex();
  readonly #locks: EntryLocks;
  readonly #pending = new Set<string>();
  readonly #useWatch: boolean;
  #ready: Promise<void> | undefined;
  #watcher: FSWatcher | undefined;
  #scanNeeded = true;
  #scanning: Promise<void> | undefined;
  #draining: Promise<void> | undefined;
  #dirMtimeNs: bigint | undefined;
  #blogId: Promise<string> | undefined;
  // Names changed while a scan is reading the directory.
  #touchedDuringScan: Set<string> | undefined;
  readonly #texts = new Map<string, Entry>();
  #textBytes = 0;

  constructor(dir: string, options: FileEntryStoreOptions = {}) {
    this.dir = dir;
    this.#useWatch = options.watch ?? true;
    this.#locks = new EntryLocks(dir, options.locks);
  }

  /** Stops watching the directory. The store still works, without the watcher. */
  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  blogId(): Promise<string> {
    // A failure (a read-only directory, say) is not remembered: the next
    // request tries again.
    this.#blogId ??= this.#loadBlogId().catch((error: unknown) => {
      this.#blogId = undefined;
      throw error;
    });
    return this.#blogId;
  }

  async get(name: string): Promise<Entry | undefined> {
    let handle;
    try {
      // A symbolic link is not an entry: followed, it could show any file
      // the server can read. (Writes replace the link itself: rename does
      // not follow links.)
      handle = await open(this.#path(name), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
      throw error;
    }
    try {
      const info = await handle.stat({ bigint: true });
      if (!info.isFile()) return undefined;
      const bytes = await handle.readFile();
      const entry = toEntry(name, bytes, info.mtimeNs);
      this.#remember(entry, Number(info.mtimeNs / 1000n) / 1000);
      return entry;
    } finally {
      await handle.close();
    }
  }

  async put(name: string, text: Uint8Array, check?: WriteCheck): Promise<{ created: boolean; entry: Entry }> {
    await this.#prepare();
    return this.#withLock(name, async (lock) => {
      const current = await this.get(name);
      check?.(current);
      await writeFileAtomic(this.dir, name + SUFFIX, text, { beforeCommit: () => lock.verify() });
      const info = await stat(this.#path(name), { bigint: true });
      const mtimeMs = Number(info.mtimeNs / 1000n) / 1000;
      this.#index.set({ name, mtimeMs, size: Number(info.size) });
      this.#touchedDuringScan?.add(name);
      await this.#noteOwnDirectoryChange();
      const entry = toEntry(name, text, info.mtimeNs);
      this.#remember(entry, mtimeMs);
      return { created: current === undefined, entry };
    });
  }

  async delete(name: string, check?: WriteCheck): Promise<boolean> {
    await this.#prepare();
    return this.#withLock(name, async (lock) => {
      const current = await this.get(name);
      // A precondition on a missing entry is judged too: If-Match fails
      // there (RFC 9110 §13.1.1), which is a 412, not a 404.
      check?.(current);
      if (current === undefined) return false;
      await lock.verify();
      try {
        await unlink(this.#path(name));
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
      await syncDirectory(this.dir);
      this.#forget(name);
      this.#index.delete(name, Date.now());
      this.#touchedDuringScan?.add(name);
      await this.#noteOwnDirectoryChange();
      return true;
    });
  }

  async list(offset: number, limit: number): Promise<EntryPage> {
    await this.#prepare();
    await this.#catchUp();
    const infos = this.#index.page(offset, limit);
    const version = this.#index.pageVersion(offset, limit);
    const total = this.#index.size;
    const lastModified = new Date(this.#index.lastModifiedMs);
    const load = async (): Promise<Entry[]> => {
      const loaded = await Promise.all(infos.map(({ name, mtimeMs, size }) => this.#cached(name, mtimeMs, size) ?? this.get(name)));
      return loaded.filter((entry): entry is Entry => entry !== undefined);
    };
    const entries = infos.map(({ name, mtimeMs, size }) => ({ name, updated: new Date(mtimeMs), size }));
    return { total, entries, lastModified, version, load };
  }

  #cached(name: string, mtimeMs: number, size: number): Entry | undefined {
    const entry = this.#texts.get(name);
    return entry !== undefined && entry.size === size && cacheStamps.get(entry) === mtimeMs ? entry : undefined;
  }

  #remember(entry: Entry, mtimeMs: number): void {
    if (entry.size > TEXT_CACHE_BYTES / 16) return;
    this.#forget(entry.name);
    cacheStamps.set(entry, mtimeMs);
    this.#texts.set(entry.name, entry);
    this.#textBytes += entry.size;
    // Oldest first out: a Map iterates in insertion order.
    for (const [name, old] of this.#texts) {
      if (this.#textBytes <= TEXT_CACHE_BYTES) break;
      this.#texts.delete(name);
      this.#textBytes -= old.size;
    }
  }

  #forget(name: string): void {
    const old = this.#texts.get(name);
    if (old === undefined) return;
    this.#texts.delete(name);
    this.#textBytes -= old.size;
  }

  #path(name: string): string {
    return join(this.dir, name + SUFFIX);
  }

  /** Creates the directory and starts watching it, once. */
  #prepare(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      if (this.#useWatch) this.#startWatching();
    })();
    return this.#ready;
  }

  #startWatching(): void {
    try {
      // Not persistent: an idle watcher must not keep the process alive.
      const watcher = watch(this.dir, { persistent: false }, (_event, fileName) => {
        if (fileName === null) {
          this.#scanNeeded = true;
          return;
        }
        const text = String(fileName);
        if (!text.endsWith(SUFFIX)) return;
        const name = text.slice(0, -SUFFIX.length);
        if (!isEntryName(name)) return;
        this.#pending.add(name);
        this.#draining ??= this.#drain();
      });
      watcher.on('error', () => {
        watcher.close();
        if (this.#watcher === watcher) this.#watcher = undefined;
        this.#scanNeeded = true;
      });
      this.#watcher = watcher;
    } catch {
      this.#watcher = undefined;
    }
  }

  /** Brings the index up to date with what is known to have changed. */
  async #catchUp(): Promise<void> {
    if (this.#draining !== undefined) await this.#draining;
    if (!this.#scanNeeded && this.#watcher === undefined) {
      const info = await stat(this.dir, { bigint: true });
      if (info.mtimeNs !== this.#dirMtimeNs) this.#scanNeeded = true;
    }
    if (this.#scanNeeded) {
      this.#scanning ??= this.#scan().finally(() => {
        this.#scanning = undefined;
      });
      await this.#scanning;
    }
  }

  async #scan(): Promise<void> {
    this.#scanNeeded = false;
    const touched = new Set<string>();
    this.#touchedDuringScan = touched;
    // The directory's mtime is read before its names, so a change made
    // during the read leaves a newer mtime and the next list reads again.
    const dirInfo = await stat(this.dir, { bigint: true });
    const files = await readdir(this.dir);
    await this.#removeLeftovers(files);
    const names = files
      .filter((file) => file.endsWith(SUFFIX))
      .map((file) => file.slice(0, -SUFFIX.length))
      .filter(isEntryName);
    const entries: IndexedEntry[] = [];
    for (let i = 0; i < names.length; i += STAT_BATCH) {
      const batch = await Promise.all(names.slice(i, i + STAT_BATCH).map((name) => this.#statEntry(name)));
      for (const entry of batch) if (entry !== undefined) entries.push(entry);
    }
    this.#index.reset(entries, Number(dirInfo.mtimeNs / 1_000_000n));
    this.#touchedDuringScan = undefined;
    // A change recorded while the directory was being read may be missing
    // from what was read, and the reset just dropped it: look at those
    // files again.
    for (const name of touched) {
      const entry = await this.#statEntry(name);
      if (entry === undefined) this.#index.delete(name, Date.now());
      else this.#index.set(entry);
    }
    this.#dirMtimeNs = dirInfo.mtimeNs;
  }

  /**
   * A write killed between creating its temp file and renaming it leaves the
   * temp file behind. It can never be read as an entry (see TEMP_PREFIX);
   * this only reclaims the space, and only from temp files an hour old, so a
   * write still in progress in another process keeps its file. A writer
   * killed while holding an entry's lock leaves the lock file: the next write
   * of that entry takes it over, and this removes those of entries no one
   * writes again, once stale.
   */
  async #removeLeftovers(files: string[]): Promise<void> {
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const file of files) {
      // Best effort, like the temp files: a lock that cannot be swept now is tried at the next scan.
      if (isLockFile(file)) await this.#locks.sweep(file).catch(() => undefined);
      if (!file.startsWith(TEMP_PREFIX)) continue;
      const path = join(this.dir, file);
      try {
        if ((await stat(path)).mtimeMs < cutoff) await rm(path, { force: true });
      } catch {
        // Gone already, or not ours to remove: either way nothing to do.
      }
    }
  }

  /** Re-reads the files the watcher named, one batch at a time, so results cannot arrive out of order. */
  async #drain(): Promise<void> {
    try {
      while (this.#pending.size > 0) {
        const names = [...this.#pending];
        this.#pending.clear();
        const found = await Promise.all(names.map((name) => this.#statEntry(name)));
        names.forEach((name, i) => {
          const entry = found[i];
          if (entry === undefined) this.#index.delete(name, Date.now());
          else this.#index.set(entry);
          this.#touchedDuringScan?.add(name);
        });
      }
    } catch {
      this.#scanNeeded = true;
    } finally {
      this.#draining = undefined;
    }
  }

  async #statEntry(name: string): Promise<IndexedEntry | undefined> {
    try {
      const info = await lstat(this.#path(name), { bigint: true });
      if (!info.isFile()) return undefined;
      return { name, mtimeMs: Number(info.mtimeNs / 1000n) / 1000, size: Number(info.size) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** After a write of ours, the directory's new mtime is not a foreign change. */
  async #noteOwnDirectoryChange(): Promise<void> {
    if (this.#watcher !== undefined || this.#scanNeeded) return;
    this.#dirMtimeNs = (await stat(this.dir, { bigint: true })).mtimeNs;
  }

  async #withLock<T>(name: string, action: (lock: FileLock) => Promise<T>): Promise<T> {
    try {
      return await this.#locks.hold(name + SUFFIX, action);
    } catch (error) {
      if (error instanceof LockTimeoutError) throw new EntryBusyError(name, { cause: error });
      throw error;
    }
  }

  async #loadBlogId(): Promise<string> {
    await this.#prepare();
    const file = join(this.dir, BLOG_ID_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const id = (await readFile(file, 'utf8')).trim();
        if (!UUID.test(id)) throw new Error(`${file} does not hold a UUID`);
        return id;
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      // Created exclusively: two processes starting together agree on one id.
      await writeFileAtomic(this.dir, BLOG_ID_FILE, Buffer.from(`${randomUUID()}\n`), { exclusive: true });
    }
    throw new Error(`cannot create ${file}`);
  }
}

// The index's mtime (microseconds) for each cached entry.
const cacheStamps = new WeakMap<Entry, number>();

function toEntry(name: string, bytes: Uint8Array, mtimeNs: bigint): Entry {
  const digest = createHash('sha256').update(bytes).digest('base64url').slice(0, 22);
  return {
    name,
    text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
    size: bytes.byteLength,
    updated: new Date(Number(mtimeNs / 1_000_000n)),
    version: `${digest}.${mtimeNs.toString(36)}`,
  };
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
