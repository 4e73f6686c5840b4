/**
 * A durable session store for one machine: one JSON file per session.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { isSessionId } from './signing.js';
import { asRecord, parseJsonObject, type SessionRecord, type SessionStore } from './store.js';

/**
 * Options for a {@link FileStore}.
 *
 * @example
 * ```ts
 * const options: FileStoreOptions = { dir: '/var/lib/myapp/sessions', sweepInterval: 60_000, maxSessions: 50_000 };
 * ```
 *
 * @category Stores
 */
export interface FileStoreOptions {
  /** The directory holding the session files; created if missing. */
  dir: string;
  /** Milliseconds between sweeps of expired files (default 10 minutes). */
  sweepInterval?: number;
  /**
   * The most session files kept (default 10 000). A write that takes the
   * count past it evicts the sessions nearest their expiry, which are the
   * least recently touched, down to nine tenths of it.
   */
  maxSessions?: number;
}

interface StoredFile {
  readonly expires: number;
  readonly record: SessionRecord;
}

const SUFFIX = '.json';
/** A temp file this old was left by a crash mid-write, not by a write in progress. */
const STALE_TEMP_MS = 60_000;

/**
 * Keeps each session in `<dir>/<id>.json`. Writes are atomic (a temp file,
 * fsync, then rename), so a crash leaves the old record or the new one,
 * never half of one. A file's modification time is set to its expiry, so
 * that sweeping and eviction need only `stat`, never a read of every file.
 * Expired files are deleted when read, by a sweep when the store starts,
 * and by a periodic sweep on an unref'd timer (which never keeps the
 * process alive). The number of files is capped by `maxSessions`: past it,
 * a write evicts the sessions nearest their expiry (the least recently
 * touched, since each write pushes the expiry out), down to nine tenths of
 * the cap, so that one pass over the directory serves many writes. The
 * count is this process's; several processes sharing a directory each
 * correct theirs on every pass. File names come only from ids of the shape
 * the session middleware issues; any other id reads as absent.
 *
 * @example
 * ```ts
 * const store = new FileStore({ dir: './sessions' });
 * const app = sessions(myApp, { secrets: [secret], store });
 * // on shutdown:
 * await store.close();
 * ```
 *
 * @category Stores
 */
export class FileStore implements SessionStore {
  /** The directory given. */
  readonly dir: string;
  /** The cap given, or the default. */
  readonly maxSessions: number;
  readonly #ready: Promise<void>;
  readonly #timer: NodeJS.Timeout;
  #sweeping: Promise<number> | undefined;
  #evicting: Promise<void> | undefined;
  /** Session files believed to be in the directory: counted by each pass, kept up by writes and deletes. */
  #count = 0;

  /** @throws TypeError for an empty `dir`, a non-positive `sweepInterval` or a bad `maxSessions`. */
  constructor(options: FileStoreOptions) {
    if (typeof options?.dir !== 'string' || options.dir === '') throw new TypeError('FileStore: `dir` must be a directory path');
    const interval = options.sweepInterval ?? 10 * 60_000;
    if (!(interval > 0)) throw new TypeError(`FileStore: sweepInterval must be positive, got ${interval}`);
    const max = options.maxSessions ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new TypeError(`FileStore: maxSessions must be a positive integer, got ${max}`);
    this.maxSessions = max;
    this.dir = options.dir;
    this.#ready = mkdir(this.dir, { recursive: true, mode: 0o700 }).then(() => undefined);
    // A failed start-up sweep is retried by the timer; the first request
    // surfaces a missing directory through #ready.
    void this.sweep().catch(() => undefined);
    this.#timer = setInterval(() => void this.sweep().catch(() => undefined), interval);
    this.#timer.unref();
  }

  /** See {@link SessionStore.get}. */
  async get(id: string): Promise<SessionRecord | undefined> {
    if (!isSessionId(id)) return undefined;
    await this.#ready;
    const path = this.#path(id);
    const stored = await readStored(path);
    if (stored === undefined) return undefined;
    if (stored.expires <= Date.now()) {
      await unlinkQuietly(path);
      return undefined;
    }
    return stored.record;
  }

  /** See {@link SessionStore.set}. */
  async set(id: string, record: SessionRecord, ttl: number): Promise<void> {
    if (!isSessionId(id)) throw new TypeError('FileStore: refusing an id that is not a session id');
    await this.#ready;
    const stored: StoredFile = { expires: Date.now() + ttl, record };
    const temp = join(this.dir, `${id}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(stored), 'utf8');
      const expires = new Date(stored.expires);
      await handle.utimes(expires, expires);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlinkQuietly(temp);
      throw error;
    }
    await handle.close();
    const path = this.#path(id);
    const isNew = await stat(path).then(() => false, () => true);
    try {
      await rename(temp, path);
    } catch (error) {
      await unlinkQuietly(temp);
      throw error;
    }
    if (isNew && ++this.#count > this.maxSessions) await this.#evictOnce();
  }

  /** See {@link SessionStore.destroy}. */
  async destroy(id: string): Promise<void> {
    if (!isSessionId(id)) return;
    await this.#ready;
    if (await unlinkQuietly(this.#path(id))) this.#count = Math.max(0, this.#count - 1);
  }

  /** How many session files this process believes the directory holds. */
  get size(): number {
    return this.#count;
  }

  /**
   * Deletes expired and unreadable session files and temp files left by a
   * crash; resolves to how many files went. Runs once at a time.
   */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  /** Stops the periodic sweep and waits for a sweep or eviction in progress. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sweeping?.catch(() => undefined);
    await this.#evicting?.catch(() => undefined);
  }

  /**
   * One pass over the directory, by `stat` alone: a file is read only when
   * its time says it has expired, to confirm that before deleting it (a
   * file written before times meant expiry has its time corrected instead).
   * The cap bounds the directory, and so the work of each pass.
   */
  async #sweep(): Promise<number> {
    await this.#ready;
    const now = Date.now();
    let removed = 0;
    let live = 0;
    for (const name of await readdir(this.dir)) {
      const path = join(this.dir, name);
      if (name.endsWith('.tmp')) {
        // A write sets the temp file's time to the expiry, in the future;
        // the change time still says when the write happened.
        const age = await stat(path).then((info) => now - Math.min(info.mtimeMs, info.ctimeMs), () => 0);
        if (age > STALE_TEMP_MS && (await unlinkQuietly(path))) removed++;
        continue;
      }
      if (!name.endsWith(SUFFIX) || !isSessionId(name.slice(0, -SUFFIX.length))) continue;
      const mtime = await stat(path).then((info) => info.mtimeMs, () => undefined);
      if (mtime === undefined) continue;
      // Well ahead of now: surely live. Nearer, the content decides (a file
      // time is finer than Date.now(), and a plain write sets it to now).
      if (mtime > now + 1000) {
        live++;
        continue;
      }
      const stored = await readStored(path);
      if (stored !== undefined && stored.expires > now) {
        const expires = new Date(stored.expires);
        await utimes(path, expires, expires).catch(() => undefined);
        live++;
        // Unreadable files read as absent, so they would never be reused.
      } else if (await unlinkQuietly(path)) removed++;
    }
    this.#count = live;
    return removed;
  }

  /** Runs one eviction pass at a time; writes that overflow meanwhile wait for it. */
  #evictOnce(): Promise<void> {
    this.#evicting ??= this.#evict().finally(() => {
      this.#evicting = undefined;
    });
    return this.#evicting;
  }

  async #evict(): Promise<void> {
    await this.sweep();
    if (this.#count <= this.maxSessions) return;
    const files: Array<{ path: string; expires: number }> = [];
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith(SUFFIX) || !isSessionId(name.slice(0, -SUFFIX.length))) continue;
      const path = join(this.dir, name);
      const mtime = await stat(path).then((info) => info.mtimeMs, () => undefined);
      if (mtime !== undefined) files.push({ path, expires: mtime });
    }
    files.sort((a, b) => a.expires - b.expires);
    const target = Math.floor(this.maxSessions * 0.9);
    let count = files.length;
    for (const file of files) {
      if (count <= target) break;
      if (await unlinkQuietly(file.path)) count--;
    }
    this.#count = count;
  }

  #path(id: string): string {
    return join(this.dir, id + SUFFIX);
  }
}

async function readStored(path: string): Promise<StoredFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = parseJsonObject(text);
  if (parsed === undefined) return undefined;
  const { expires, record } = parsed as { expires?: unknown; record?: unknown };
  if (typeof expires !== 'number') return undefined;
  const parsedRecord = asRecord(record);
  return parsedRecord === undefined ? undefined : { expires, record: parsedRecord };
}

async function unlinkQuietly(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
