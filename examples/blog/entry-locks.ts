/**
 * One writer at a time per entry name, across every process that uses the
 * directory: the check of a conditional write and the write itself happen
 * while holding the entry's lock file.
 */
import { join } from 'node:path';
import { acquireFileLock, LockTimeoutError, removeIfStale, type FileLock } from './file-lock.js';

/** How long writers wait for an entry's lock, and when a lock is stale. */
export interface EntryLockOptions {
  /** The longest wait for the lock, in ms (default 5,000); then the write fails with {@link LockTimeoutError}. */
  timeoutMs?: number;
  /** A lock older than this, in ms, is broken whoever holds it (default 30,000); see `FileLockOptions.staleMs`. */
  staleMs?: number;
}

const LOCK_PREFIX = '.';
const LOCK_SUFFIX = '.lock';

/** Whether a file name in the entry directory is an entry lock. */
export function isLockFile(fileName: string): boolean {
  return fileName.startsWith(LOCK_PREFIX) && fileName.endsWith(LOCK_SUFFIX);
}

/** The lock files of the entries in one directory. */
export class EntryLocks {
  readonly #dir: string;
  readonly #timeoutMs: number;
  readonly #staleMs: number;
  // Writers of this process queue here first, so they do not poll the lock
  // file against each other; the lock file is what holds across processes.
  readonly #queues = new Map<string, Promise<void>>();

  constructor(dir: string, options: EntryLockOptions = {}) {
    this.#dir = dir;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#staleMs = options.staleMs ?? 30_000;
  }

  /**
   * Runs `action` holding the lock of `fileName` (the entry's file), and
   * releases it however `action` ends. Rejects with {@link LockTimeoutError}
   * when the lock cannot be had within the timeout.
   */
  async hold<T>(fileName: string, action: (lock: FileLock) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#timeoutMs;
    return this.#inTurn(fileName, deadline, async () => {
      const lock = await acquireFileLock(this.#lockPath(fileName), { deadline, staleMs: this.#staleMs });
      try {
        return await action(lock);
      } finally {
        await lock.release();
      }
    });
  }

  /** Removes `fileName` if it is a lock whose holder is gone: a lock for an entry no one writes again. */
  async sweep(fileName: string): Promise<void> {
    if (isLockFile(fileName)) await removeIfStale(join(this.#dir, fileName), this.#staleMs);
  }

  #lockPath(fileName: string): string {
    return join(this.#dir, `${LOCK_PREFIX}${fileName}${LOCK_SUFFIX}`);
  }

  async #inTurn<T>(key: string, deadline: number, action: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#queues.set(key, tail);
    const done = (): void => {
      release();
      if (this.#queues.get(key) === tail) this.#queues.delete(key);
    };
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    });
    const myTurn = await Promise.race([previous.then(() => true as const), expired]);
    clearTimeout(timer);
    if (!myTurn) {
      // Giving up the place in the queue, not the queue's order: the next
      // writer still waits for the one before this.
      void previous.then(done);
      throw new LockTimeoutError(`${key} is being written by other requests`);
    }
    try {
      return await action();
    } finally {
      done();
    }
  }
}
