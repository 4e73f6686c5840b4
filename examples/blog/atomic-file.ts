/**
 * Writing a file so that readers, and whatever survives a crash, see either
 * the old content or the new, never a mix.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Temp files start with this; entry names cannot start with a dot, so a
 * temp file left by a crash is never taken for an entry.
 */
export const TEMP_PREFIX = '.tmp-';

/** How {@link writeFileAtomic} puts the file in place. */
export interface AtomicWriteOptions {
  /** Keep an existing target and return false (link() fails where rename() would replace). */
  exclusive?: boolean;
  /**
   * Runs once the data is on disk, just before it takes the target's name;
   * throwing cancels the write. A lock holder checks here that it still holds
   * the lock.
   */
  beforeCommit?: () => Promise<void>;
}

/**
 * Writes `data` to `dir/fileName` atomically: a temp file in the same
 * directory (so the rename cannot cross file systems), flushed with fsync,
 * renamed over the target, then the directory flushed so the rename itself
 * survives a power cut. Returns false when `exclusive` kept an existing target.
 */
export async function writeFileAtomic(dir: string, fileName: string, data: Uint8Array, options: AtomicWriteOptions = {}): Promise<boolean> {
  const { exclusive = false, beforeCommit } = options;
  const temp = join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await beforeCommit?.();
    if (exclusive) {
      try {
        await link(temp, join(dir, fileName));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
    } else {
      await rename(temp, join(dir, fileName));
    }
  } finally {
    // After a rename there is nothing left to remove; after a link, or a
    // failure, the temp name must go.
    await rm(temp, { force: true });
  }
  await syncDirectory(dir);
  return true;
}

/** Flushes a directory's entries (a rename, a new or deleted name) to disk. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
