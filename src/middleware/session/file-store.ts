/**
 * A durable session store for one machine: one JSON file per session.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isSessionId } from './signing.js';
import { asRecord, type SessionRecord, type SessionStore } from './store.js';

/**
 * Options for a {@link FileStore}.
 *
 * @example
 * ```ts
 * const options: FileStoreOptions = { dir: '/var/lib/myapp/sessions', sweepInterval: 60_000 };
 * ```
 */
export interface FileStoreOptions {
  /** The directory holding the session files; created if missing. */
  dir: string;
  /** Milliseconds between sweeps of expired files (default 10 minutes). */
  sweepInterval?: number;
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
 * never half of one. Expired files are deleted when read, by a sweep when
 * the store starts, and by a periodic sweep on an unref'd timer (which
 * never keeps the process alive). File names come only from ids of the
 * shape the session middleware issues; any other id reads as absent.
 *
 * @example
 * ```ts
 * const store = new FileStore({ dir: './sessions' });
 * const app = sessions(myApp, { secrets: [secret], store });
 * // on shutdown:
 * await store.close();
 * ```
 */
export class FileStore implements SessionStore {
  /** The directory given. */
  readonly dir: string;
  readonly #ready: Promise<void>;
  readonly #timer: NodeJS.Timeout;
  #sweeping: Promise<number> | undefined;

  /** @throws TypeError for an empty `dir` or a non-positive `sweepInterval`. */
  constructor(options: FileStoreOptions) {
    if (typeof options?.dir !== 'string' || options.dir === '') throw new TypeError('FileStore: `dir` must be a directory path');
    const interval = options.sweepInterval ?? 10 * 60_000;
    if (!(interval > 0)) throw new TypeError(`FileStore: sweepInterval must be positive, got ${interval}`);
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
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlinkQuietly(temp);
      throw error;
    }
    await handle.close();
    try {
      await rename(temp, this.#path(id));
    } catch (error) {
      await unlinkQuietly(temp);
      throw error;
    }
  }

  /** See {@link SessionStore.destroy}. */
  async destroy(id: string): Promise<void> {
    if (!isSessionId(id)) return;
    await this.#ready;
    await unlinkQuietly(this.#path(id));
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

  /** Stops the periodic sweep and waits for one in progress. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sweeping?.catch(() => undefined);
  }

  async #sweep(): Promise<number> {
    await this.#ready;
    const now = Date.now();
    let removed = 0;
    for (const name of await readdir(this.dir)) {
      const path = join(this.dir, name);
      if (name.endsWith('.tmp')) {
        const age = await stat(path).then((info) => now - info.mtimeMs, () => 0);
        if (age > STALE_TEMP_MS && (await unlinkQuietly(path))) removed++;
        continue;
      }
      if (!name.endsWith(SUFFIX) || !isSessionId(name.slice(0, -SUFFIX.length))) continue;
      const stored = await readStored(path);
      // Unreadable files read as absent, so they would never be reused.
      if ((stored === undefined || stored.expires <= now) && (await unlinkQuietly(path))) removed++;
    }
    return removed;
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
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
