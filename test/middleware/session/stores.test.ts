import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, MemoryStore, nodeRedisClient, RedisStore, sessions, type NodeRedisClientLike, type SessionRecord, type SessionStore } from '../../../src/middleware/session/index.js';
import { TestClient } from '../../../src/testing/index.js';
import { counterApp, SECRET } from './helpers.js';
import { redisAvailable, startRedis, type RedisProcess } from './redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ID_A = 'A'.repeat(31) + 'a';
const ID_B = 'B'.repeat(31) + 'b';
const ID_C = 'C'.repeat(31) + 'c';

function record(data: Record<string, unknown>): SessionRecord {
  return { data, created: Date.now(), touched: Date.now() };
}

/** What every store must do, run against each. */
function storeContract(name: string, make: () => Promise<SessionStore> | SessionStore, cleanup?: () => Promise<void>) {
  describe(`${name}: the SessionStore contract`, () => {
    let store: SessionStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close?.();
      await cleanup?.();
    });

    it('gets what was set, as a copy', async () => {
      const data = { visits: 3, list: [1, 2] };
      await store.set(ID_A, record(data), 10_000);
      data.list.push(3);
      const got = await store.get(ID_A);
      expect(got?.data).toEqual({ visits: 3, list: [1, 2] });
      got!.data.visits = 99;
      expect((await store.get(ID_A))?.data.visits).toBe(3);
    });

    it('replaces on set and forgets on destroy; destroying a missing id is fine', async () => {
      await store.set(ID_A, record({ n: 1 }), 10_000);
      await store.set(ID_A, record({ n: 2 }), 10_000);
      expect((await store.get(ID_A))?.data).toEqual({ n: 2 });
      await store.destroy(ID_A);
      expect(await store.get(ID_A)).toBeUndefined();
      await store.destroy(ID_B);
    });

    it('drops a record once its ttl has passed', async () => {
      await store.set(ID_A, record({ n: 1 }), 400);
      await store.set(ID_B, record({ n: 2 }), 10_000);
      expect((await store.get(ID_A))?.data).toEqual({ n: 1 });
      await sleep(550);
      expect(await store.get(ID_A)).toBeUndefined();
      expect((await store.get(ID_B))?.data).toEqual({ n: 2 });
    });

    it('reads ids that are not session ids as absent', async () => {
      expect(await store.get('../../etc/passwd')).toBeUndefined();
      expect(await store.get('')).toBeUndefined();
    });

    it('serves the counter through the middleware', async () => {
      const client = new TestClient(sessions(counterApp, { secrets: [SECRET], store }));
      for (const n of [1, 2, 3]) expect((await client.get('/')).text()).toContain(`${n} times`);
    });
  });
}

storeContract('MemoryStore', () => new MemoryStore());

describe('MemoryStore', () => {
  it('is bounded: past maxSessions the least recently used goes', async () => {
    const store = new MemoryStore({ maxSessions: 2 });
    await store.set(ID_A, record({ n: 'a' }), 10_000);
    await store.set(ID_B, record({ n: 'b' }), 10_000);
    await store.get(ID_A); // A is now more recently used than B
    await store.set(ID_C, record({ n: 'c' }), 10_000);
    expect(store.size).toBe(2);
    expect(await store.get(ID_B)).toBeUndefined();
    expect((await store.get(ID_A))?.data.n).toBe('a');
    expect((await store.get(ID_C))?.data.n).toBe('c');
  });

  it('stays bounded under many visitors', async () => {
    const store = new MemoryStore({ maxSessions: 50 });
    const app = sessions(counterApp, { secrets: [SECRET], store });
    for (let i = 0; i < 200; i++) {
      const visitor = new TestClient(app);
      // The second visit moves the new session from its cookie to the store.
      await visitor.get('/');
      await visitor.get('/');
    }
    expect(store.size).toBe(50);
  });

  it('refuses a bad bound', () => {
    expect(() => new MemoryStore({ maxSessions: 0 })).toThrow(/positive integer/);
  });
});

let fileDir = '';
storeContract(
  'FileStore',
  async () => {
    fileDir = await mkdtemp(join(tmpdir(), 'tsgi-sessions-'));
    return new FileStore({ dir: fileDir });
  },
  () => rm(fileDir, { recursive: true, force: true }),
);

describe('FileStore', () => {
  let dir: string;
  const stores: FileStore[] = [];
  const open = (options: { sweepInterval?: number; subdir?: string; maxSessions?: number } = {}) => {
    const store = new FileStore({
      dir: options.subdir === undefined ? dir : join(dir, options.subdir),
      sweepInterval: options.sweepInterval,
      maxSessions: options.maxSessions,
    });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsgi-filestore-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps one file per session, named by the id, with owner-only permissions, and no temp files left', async () => {
    const store = open();
    await store.set(ID_A, record({ n: 1 }), 10_000);
    await store.set(ID_A, record({ n: 2 }), 10_000);
    await store.set(ID_B, record({ n: 3 }), 10_000);
    expect((await readdir(dir)).sort()).toEqual([`${ID_A}.json`, `${ID_B}.json`]);
    const stored = JSON.parse(await readFile(join(dir, `${ID_A}.json`), 'utf8'));
    expect(stored.record.data).toEqual({ n: 2 });
    const { stat } = await import('node:fs/promises');
    expect((await stat(join(dir, `${ID_A}.json`))).mode & 0o777).toBe(0o600);
  });

  it('survives a restart: a new store on the same directory reads the sessions', async () => {
    const app = sessions(counterApp, { secrets: [SECRET], store: open() });
    const client = new TestClient(app);
    await client.get('/');
    await client.get('/');
    const restarted = new TestClient(sessions(counterApp, { secrets: [SECRET], store: open() }));
    for (const cookie of client.cookies.list()) restarted.cookies.set(cookie.name, cookie.value);
    expect((await restarted.get('/')).text()).toContain('3 times');
  });

  it('creates its directory when missing', async () => {
    const store = open({ subdir: 'deep/er' });
    await store.set(ID_A, record({ n: 1 }), 10_000);
    expect(await readdir(join(dir, 'deep/er'))).toEqual([`${ID_A}.json`]);
  });

  it('refuses to write under an id that is not a session id, so no path escapes the directory', async () => {
    const store = open();
    await expect(store.set('../escape', record({}), 10_000)).rejects.toThrow(/not a session id/);
    await store.destroy('../escape');
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads a corrupt file as absent, and the sweep removes it', async () => {
    const store = open();
    await store.sweep(); // let the start-up sweep finish first
    await writeFile(join(dir, `${ID_A}.json`), '{"expires": 99999999999999, "rec');
    expect(await store.get(ID_A)).toBeUndefined();
    expect(await store.sweep()).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('sweeps expired files and stale temp files, keeps live ones and foreign files', async () => {
    const store = open();
    await store.sweep(); // let the start-up sweep finish first
    await store.set(ID_A, record({}), 50);
    await store.set(ID_B, record({}), 10_000);
    const stale = join(dir, `${ID_C}.abc.tmp`);
    await writeFile(stale, 'half a write');
    const old = new Date(Date.now() - 5 * 60_000);
    await utimes(stale, old, old);
    await writeFile(join(dir, `${ID_C}.fresh.tmp`), 'a write in progress');
    await writeFile(join(dir, 'README'), 'not ours');
    await sleep(80);
    expect(await store.sweep()).toBe(2);
    expect((await readdir(dir)).sort()).toEqual([`${ID_B}.json`, `${ID_C}.fresh.tmp`, 'README'].sort());
  });

  it('sweeps on start and on its timer', async () => {
    const first = open();
    await first.set(ID_A, record({}), 30);
    await first.close();
    await sleep(60);
    const second = open({ sweepInterval: 40 });
    await second.sweep(); // joins the start-up sweep
    expect(await readdir(dir)).toEqual([]);
    await second.set(ID_B, record({}), 30);
    let left = ['x'];
    for (let i = 0; i < 40 && left.length > 0; i++) {
      await sleep(25);
      left = await readdir(dir);
    }
    expect(left).toEqual([]);
  });

  it('refuses an empty directory name and a bad cap', () => {
    expect(() => new FileStore({ dir: '' })).toThrow(/dir/);
    expect(() => new FileStore({ dir, maxSessions: 0 })).toThrow(/maxSessions/);
  });

  it('is capped: past maxSessions the least recently touched sessions go, down to nine tenths', async () => {
    const store = open({ maxSessions: 10 });
    await store.sweep();
    const ids = Array.from({ length: 10 }, () => randomBytes(24).toString('base64url'));
    for (const id of ids) {
      await store.set(id, record({ id }), 60_000);
      await sleep(3);
    }
    // The three oldest are touched again, so they are now the newest.
    for (const id of ids.slice(0, 3)) {
      await store.set(id, record({ id, again: true }), 60_000);
      await sleep(3);
    }
    expect(store.size).toBe(10);
    const newcomer = randomBytes(24).toString('base64url');
    await store.set(newcomer, record({}), 60_000);
    const left = (await readdir(dir)).map((name) => name.slice(0, -'.json'.length));
    expect(left).toHaveLength(9);
    expect(store.size).toBe(9);
    // ids[3..4] were the least recently touched: they went.
    expect(left.sort()).toEqual([...ids.slice(0, 3), ...ids.slice(5), newcomer].sort());
    expect((await store.get(ids[0]!))?.data.again).toBe(true);
  });

  it('stores the expiry as the file time, so a sweep needs no reads; an older file gets its time corrected, not deleted', async () => {
    const store = open();
    await store.sweep();
    const before = Date.now();
    await store.set(ID_A, record({}), 60_000);
    const { stat } = await import('node:fs/promises');
    const mtime = (await stat(join(dir, `${ID_A}.json`))).mtimeMs;
    expect(mtime).toBeGreaterThanOrEqual(before + 59_000);
    // A file from before: its time is when it was written, its content says it is live.
    const expires = Date.now() + 60_000;
    await writeFile(join(dir, `${ID_B}.json`), JSON.stringify({ expires, record: record({ kept: true }) }));
    expect(await store.sweep()).toBe(0);
    expect(Math.abs((await stat(join(dir, `${ID_B}.json`))).mtimeMs - expires)).toBeLessThan(1000);
    expect((await store.get(ID_B))?.data.kept).toBe(true);
  });

  it('close() stops the periodic sweep', async () => {
    const store = open({ sweepInterval: 20 });
    await store.sweep();
    await store.set(ID_A, record({}), 10);
    await store.close();
    await sleep(80);
    expect(await readdir(dir)).toEqual([`${ID_A}.json`]);
  });

  it('a flood of 2,000 cookieless visits to a counter through the middleware writes no file', async () => {
    const store = open();
    const app = sessions(counterApp, { secrets: [SECRET], store });
    const user = new TestClient(app);
    await user.get('/');
    await user.get('/');
    expect(await readdir(dir)).toHaveLength(1);
    for (let i = 0; i < 2000; i++) await new TestClient(app).get('/');
    expect(await readdir(dir)).toHaveLength(1);
    expect((await user.get('/')).text()).toContain('3 times');
  });
});

describe.runIf(redisAvailable())('RedisStore against a real redis-server', () => {
  let redis: RedisProcess;
  let client: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  }, 20_000);
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  storeContract('RedisStore', () => new RedisStore({ client }));

  it('stores JSON under prefix + id with a TTL in milliseconds', async () => {
    const store = new RedisStore({ client, prefix: 'shop:sess:' });
    await store.set(ID_A, record({ n: 1 }), 60_000);
    expect(JSON.parse((await client.get(`shop:sess:${ID_A}`))!).data).toEqual({ n: 1 });
    const ttl = await client.pttl(`shop:sess:${ID_A}`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await store.destroy(ID_A);
    expect(await client.exists(`shop:sess:${ID_A}`)).toBe(0);
  });

  it('keeps prefixes apart', async () => {
    const one = new RedisStore({ client, prefix: 'one:' });
    const two = new RedisStore({ client, prefix: 'two:' });
    await one.set(ID_A, record({ who: 'one' }), 10_000);
    expect(await two.get(ID_A)).toBeUndefined();
  });

  it('reads a foreign value under its key as absent', async () => {
    await client.set(`tsgi:sess:${ID_B}`, 'not json');
    expect(await new RedisStore({ client }).get(ID_B)).toBeUndefined();
  });

  it('works with a node-redis style client through nodeRedisClient', async () => {
    // node-redis v4 takes SET options as an object; this client speaks that
    // shape and sends the command to the real server.
    const calls: unknown[] = [];
    const nodeStyle: NodeRedisClientLike = {
      get: (key) => client.get(key),
      set: (key, value, options) => {
        calls.push(options);
        return client.set(key, value, 'PX', options.PX);
      },
      del: (key) => client.del(key),
    };
    const store = new RedisStore({ client: nodeRedisClient(nodeStyle) });
    await store.set(ID_C, record({ n: 7 }), 5_000);
    expect(calls).toEqual([{ PX: 5_000 }]);
    expect((await store.get(ID_C))?.data).toEqual({ n: 7 });
  });

  it('refuses something that is not a client', () => {
    expect(() => new RedisStore({ client: {} as never })).toThrow(/get, set and del/);
  });

  it("while Redis is down, requests get 503 and the visitor's cookie is left alone", async () => {
    const spare = await startRedis();
    const flaky = new Redis(spare.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    try {
      await new Promise((resolve, reject) => {
        flaky.once('ready', resolve);
        flaky.once('error', reject);
      });
      const app = sessions(counterApp, { secrets: [SECRET], store: new RedisStore({ client: flaky }) });
      const visitor = new TestClient(app);
      expect((await visitor.get('/')).text()).toContain('1 times');
      expect((await visitor.get('/')).text()).toContain('2 times');
      await spare.stop();
      const down = await visitor.get('/');
      expect(down.status).toBe(503);
      expect(down.headers.getAll('Set-Cookie')).toEqual([]);
      expect(down.errors).toContain('reading the session store failed');
    } finally {
      flaky.disconnect();
      await spare.stop();
    }
  }, 20_000);
});
