import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blogHandler } from '../../examples/blog/app.js';
import { FileEntryStore } from '../../examples/blog/file-store.js';
import { EntryBusyError, type WriteCheck } from '../../examples/blog/store.js';
import { TestClient } from '../../src/testing/index.js';
import { cleanUpAfterAll, keepStore, keepTemp } from './blog-fixture.js';
import { tempDir } from './blog-support.js';

cleanUpAfterAll();

const lockOf = (dir: string, name: string): string => join(dir, `.${name}.txt.lock`);
const holder = (pid: number, at = Date.now(), host = hostname()): string => `${JSON.stringify({ pid, host, at, token: 'planted' })}\n`;

/** A blog directory with `options` for its store's locks, and the store. */
function lockedBlog(locks: { timeoutMs?: number; staleMs?: number } = {}) {
  const { dir, remove } = tempDir('lock');
  keepTemp(remove);
  const store = new FileEntryStore(dir, { watch: false, locks });
  keepStore(store);
  return { dir, store };
}

/** The pid of a process that has exited, as a kill -9 would leave it. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  expect(() => process.kill(child.pid!, 0)).toThrow(/ESRCH/);
  return child.pid!;
}

/** The names in `dir` that are neither entries nor the blog id. */
const leftovers = (dir: string): string[] => readdirSync(dir).filter((file) => file.startsWith('.') && file !== '.blog-id');

/** Accepts only the text `expected` as the current one, as If-Match does. */
const onlyIf =
  (expected: string | undefined): WriteCheck =>
  (current) => {
    if (current?.text !== expected) throw new Error('precondition failed');
  };

describe('blog: the entry lock across processes', () => {
  it('breaks a lock whose holder died (kill -9 leaves the file) at once, and removes it', async () => {
    const { dir, store } = lockedBlog();
    writeFileSync(lockOf(dir, 'orphan'), holder(await deadPid()));
    const started = Date.now();
    const { created } = await store.put('orphan', Buffer.from('written'));
    expect(created).toBe(true);
    // Far below the 5 s timeout and the 30 s age bound: the dead pid decided it.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(readFileSync(join(dir, 'orphan.txt'), 'utf8')).toBe('written');
    expect(leftovers(dir)).toEqual([]);
  });

  it('waits for a live holder, then fails with EntryBusyError and leaves its lock and the entry alone', async () => {
    const { dir, store } = lockedBlog({ timeoutMs: 200 });
    await store.put('held', Buffer.from('before'));
    const planted = holder(process.pid);
    writeFileSync(lockOf(dir, 'held'), planted);
    const started = Date.now();
    await expect(store.put('held', Buffer.from('after'))).rejects.toBeInstanceOf(EntryBusyError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await expect(store.delete('held')).rejects.toThrow(/held is busy with other writes/);
    expect(readFileSync(join(dir, 'held.txt'), 'utf8')).toBe('before');
    expect(readFileSync(lockOf(dir, 'held'), 'utf8')).toBe(planted);
  });

  it('answers a write it cannot lock in time with 503 and Retry-After, and writes nothing', async () => {
    const { dir, store } = lockedBlog({ timeoutMs: 100 });
    const client = new TestClient(blogHandler({ store }));
    expect((await client.put('/busy', { body: 'first' })).status).toBe(201);
    writeFileSync(lockOf(dir, 'busy'), holder(process.pid));
    for (const response of [await client.put('/busy', { body: 'second' }), await client.delete('/busy')]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.text()).toContain('busy is being changed by other requests; nothing was written, try again shortly');
    }
    expect(readFileSync(join(dir, 'busy.txt'), 'utf8')).toBe('first');
  });

  it('breaks a lock older than the bound even when its pid is alive (a pid reused after a reboot)', async () => {
    const { dir, store } = lockedBlog({ timeoutMs: 2000, staleMs: 1000 });
    writeFileSync(lockOf(dir, 'old'), holder(process.pid, Date.now() - 5000));
    const started = Date.now();
    await store.put('old', Buffer.from('new'));
    expect(Date.now() - started).toBeLessThan(500);
    expect(leftovers(dir)).toEqual([]);
  });

  it('judges an unreadable lock (cut short by a power cut) by its mtime', async () => {
    const { dir, store } = lockedBlog({ timeoutMs: 150, staleMs: 1000 });
    writeFileSync(lockOf(dir, 'torn'), '{"pid":');
    await expect(store.put('torn', Buffer.from('x'))).rejects.toBeInstanceOf(EntryBusyError);
    const past = new Date(Date.now() - 5000);
    utimesSync(lockOf(dir, 'torn'), past, past);
    await store.put('torn', Buffer.from('x'));
    expect(leftovers(dir)).toEqual([]);
  });

  it('does not judge another machine\'s holder by a local pid', async () => {
    const { dir, store } = lockedBlog({ timeoutMs: 150 });
    writeFileSync(lockOf(dir, 'remote'), holder(await deadPid(), Date.now(), `not-${hostname()}`));
    await expect(store.put('remote', Buffer.from('x'))).rejects.toBeInstanceOf(EntryBusyError);
  });

  it('removes its lock when the check refuses the write, and when the write succeeds', async () => {
    const { dir, store } = lockedBlog();
    await store.put('checked', Buffer.from('one'));
    await expect(store.put('checked', Buffer.from('two'), onlyIf('zero'))).rejects.toThrow('precondition failed');
    await expect(store.delete('checked', onlyIf('zero'))).rejects.toThrow('precondition failed');
    expect(leftovers(dir)).toEqual([]);
    expect(await store.delete('checked', onlyIf('one'))).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it('does not write once its lock was broken and taken by another writer while it was held', async () => {
    const { dir, store } = lockedBlog();
    await store.put('stolen', Buffer.from('original'));
    const theirs = holder(process.pid);
    // The check runs under the lock; replacing the lock file there is what a
    // breaker that judged this holder stale, and then locked, leaves behind.
    const steal: WriteCheck = () => writeFileSync(lockOf(dir, 'stolen'), theirs);
    for (const write of [() => store.put('stolen', Buffer.from('late write'), steal), () => store.delete('stolen', steal)]) {
      const started = Date.now();
      await expect(write()).rejects.toBeInstanceOf(EntryBusyError);
      // Refused on finding the lock gone, not after waiting out the timeout.
      expect(Date.now() - started).toBeLessThan(1000);
      expect(readFileSync(join(dir, 'stolen.txt'), 'utf8')).toBe('original');
      // Their lock is theirs to remove.
      expect(readFileSync(lockOf(dir, 'stolen'), 'utf8')).toBe(theirs);
      rmSync(lockOf(dir, 'stolen'));
    }
    expect(leftovers(dir).filter((file) => file.startsWith('.tmp-'))).toEqual([]);
  });

  it('lets exactly one conditional write win when many stores break one stale lock at once', async () => {
    // Separate stores share no in-process queue: they meet only at the lock
    // file, as processes do, and all find the dead holder together.
    for (let run = 0; run < 4; run++) {
      const { dir, store } = lockedBlog();
      await store.put('contested', Buffer.from('original'));
      writeFileSync(lockOf(dir, 'contested'), holder(await deadPid()));
      const stores = Array.from({ length: 6 }, () => new FileEntryStore(dir, { watch: false }));
      stores.forEach(keepStore);
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) => stores[i % stores.length]!.put('contested', Buffer.from(`writer ${i}`), onlyIf('original'))),
      );
      const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
      expect(winners, `run ${run}`).toHaveLength(1);
      for (const result of results) if (result.status === 'rejected') expect(String(result.reason)).toContain('precondition failed');
      expect(readFileSync(join(dir, 'contested.txt'), 'utf8')).toBe(`writer ${winners[0]}`);
      expect(leftovers(dir)).toEqual([]);
    }
  });

  it('sweeps the stale lock of an entry no one writes again when it reads the directory', async () => {
    const { dir, store } = lockedBlog();
    writeFileSync(lockOf(dir, 'forgotten'), holder(await deadPid()));
    const live = holder(process.pid);
    writeFileSync(lockOf(dir, 'in-use'), live);
    await store.list(0, 10);
    expect(leftovers(dir)).toEqual(['.in-use.txt.lock']);
  });
});
