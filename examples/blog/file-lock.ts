/**
 * A lock that separate processes sharing a directory respect: a lock file
 * created exclusively, naming its holder, with recovery from holders that
 * died (kill -9, a crash, a power cut) without removing it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, lstat, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { TEMP_PREFIX } from './atomic-file.js';

/** How long to try for a lock, and when a holder counts as gone. */
export interface FileLockOptions {
  /** Give up (throw {@link LockTimeoutError}) at this time, in ms since the epoch. */
  deadline: number;
  /**
   * A lock older than this (ms) is broken even when its holder seems alive:
   * the holder's pid may belong to someone else by now (after a reboot, or
   * on another machine, where a pid cannot be checked). Far above any real
   * hold, which lasts milliseconds.
   */
  staleMs: number;
}

/** A lock file this process holds. */
export interface FileLock {
  /**
   * Throws {@link LockTimeoutError} unless the lock file is still ours. Called
   * just before the write it guards takes effect: a holder stalled beyond
   * `staleMs` may have been broken, and must not then write.
   */
  verify(): Promise<void>;
  /** Removes the lock file if it is still ours. Never throws for a lock that is gone. */
  release(): Promise<void>;
}

/** The lock could not be had before the deadline, or was lost. */
export class LockTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockTimeoutError';
  }
}

// Waits between attempts: short, since holds are short, doubling up to a cap,
// each with jitter so that waiters in different processes do not move in step.
const FIRST_WAIT_MS = 1;
const LONGEST_WAIT_MS = 8;
const HOST = hostname();
// Markers of a takeover (see takeOver) look like any lock file, so the
// store's sweep finds one left behind.
const TAKEOVER_PREFIX = '.takeover-';
const LOCK_SUFFIX = '.lock';
// A marker's marker's marker: stale ones stacked deeper mean something else
// is wrong, and the writer waits out its timeout instead.
const MAX_TAKEOVER_DEPTH = 3;

/**
 * Takes the lock file at `path`, waiting for its holder and taking over from
 * a stale one (see {@link FileLockOptions.staleMs}; a holder on this machine
 * whose pid is gone is stale at once).
 */
export async function acquireFileLock(path: string, options: FileLockOptions): Promise<FileLock> {
  const text = `${JSON.stringify({ pid: process.pid, host: HOST, at: Date.now(), token: randomBytes(8).toString('hex') })}\n`;
  // The text goes to a temp file once and is linked into place (link fails
  // where the name exists), so a lock file is never seen empty, even by a
  // reader racing its creation, and each attempt is a single link().
  const temp = tempBeside(path);
  await writeFile(temp, text, { flag: 'wx', mode: 0o644 });
  try {
    let wait = FIRST_WAIT_MS;
    for (;;) {
      if (await take(path, temp, text, options.staleMs, 0)) return heldLock(path, text);
      const left = options.deadline - Date.now();
      if (left <= 0) throw new LockTimeoutError(`${path} is held by another writer`);
      await sleep(Math.min(left, wait * (0.5 + Math.random())));
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    }
  } finally {
    await rm(temp, { force: true });
  }
}

/** Removes the lock file at `path` if its holder is stale; for sweeping locks no one will ask for again. */
export async function removeIfStale(path: string, staleMs: number): Promise<void> {
  const found = await readLock(path);
  if (found === undefined || !isStale(found, staleMs)) return;
  try {
    const lock = await acquireFileLock(path, { deadline: Date.now(), staleMs });
    await lock.release();
  } catch (error) {
    // Taken by a live writer meanwhile: it removes its own lock.
    if (!(error instanceof LockTimeoutError)) throw error;
  }
}

function heldLock(path: string, text: string): FileLock {
  return {
    async verify() {
      if ((await readText(path)) !== text) throw new LockTimeoutError(`${path} was broken while held`);
    },
    async release() {
      // Between this read and the unlink the file could only change if this
      // hold outlasted staleMs and another writer took it over.
      if ((await readText(path)) === text) await rm(path, { force: true });
    },
  };
}

/** One attempt to make `path` hold `text` (also the content of `temp`); false while someone else holds it. */
async function take(path: string, temp: string, text: string, staleMs: number, depth: number): Promise<boolean> {
  if (await linkExclusive(temp, path)) return true;
  const found = await readLock(path);
  if (found === undefined) return linkExclusive(temp, path);
  if (!isStale(found, staleMs) || depth >= MAX_TAKEOVER_DEPTH) return false;
  return takeOver(path, found.text, temp, text, staleMs, depth);
}

/**
 * Replaces the stale lock `path`, found holding `staleText`, with ours.
 *
 * Removing a stale lock and then creating one would race: a second writer
 * that judged the same holder stale could remove the lock the first has
 * just created. So the stale file is never removed: of the writers that
 * found it, only the one that creates a marker named after its content goes
 * on, and renames its own lock over it, leaving no moment in which the name
 * is free. The marker is itself a lock file, so one left by a writer killed
 * right there goes stale in turn and is taken over the same way.
 */
async function takeOver(path: string, staleText: string, temp: string, text: string, staleMs: number, depth: number): Promise<boolean> {
  const digest = createHash('sha256').update(`${basename(path)}\0${staleText}`).digest('hex').slice(0, 32);
  const marker = join(dirname(path), `${TAKEOVER_PREFIX}${digest}${LOCK_SUFFIX}`);
  if (!(await take(marker, temp, text, staleMs, depth + 1))) return false;
  try {
    if ((await readText(path)) !== staleText) return false;
    const replacement = tempBeside(path);
    await link(temp, replacement);
    try {
      await rename(replacement, path);
    } finally {
      await rm(replacement, { force: true });
    }
    return true;
  } finally {
    if ((await readText(marker)) === text) await rm(marker, { force: true });
  }
}

/** Gives `path` the file `temp` as a second name, unless `path` exists. */
async function linkExclusive(temp: string, path: string): Promise<boolean> {
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  }
}

interface FoundLock {
  text: string;
  pid: number | undefined;
  host: string | undefined;
  /** When it was taken (its mtime when the text does not say). */
  at: number;
}

async function readLock(path: string): Promise<FoundLock | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), lstat(path)]);
    const holder = parseHolder(text);
    return { text, pid: holder?.pid, host: holder?.host, at: holder?.at ?? info.mtimeMs };
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function parseHolder(text: string): { pid: number; host: string; at: number } | undefined {
  try {
    const value = JSON.parse(text) as { pid?: unknown; host?: unknown; at?: unknown };
    const { pid, host, at } = value;
    if (!Number.isSafeInteger(pid) || typeof host !== 'string' || typeof at !== 'number') return undefined;
    return { pid: pid as number, host, at };
  } catch {
    // Written by something else, or cut short by a power cut: only its age tells.
    return undefined;
  }
}

function isStale(found: FoundLock, staleMs: number): boolean {
  if (Date.now() - found.at > staleMs) return true;
  return found.host === HOST && found.pid !== undefined && !isAlive(found.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, run by another user.
    return codeOf(error) !== 'ESRCH';
  }
}

// A temp name (see TEMP_PREFIX): one a crash leaves behind is swept with the
// store's other temp files, and never taken for an entry or a lock.
function tempBeside(path: string): string {
  return join(dirname(path), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
