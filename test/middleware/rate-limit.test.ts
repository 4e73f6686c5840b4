import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msUntilFree, windowPosition } from '../../src/middleware/rate-limit/window.js';
import { appName } from '../../src/gateway/app.js';
import { basicAuth, staticCredentials } from '../../src/middleware/basic-auth/index.js';
import { MemoryErrors, type App } from '../../src/gateway/index.js';
import { MemoryRateLimitStore, rateLimit, RedisRateLimitStore, type RateLimitOptions, type RateLimitStore } from '../../src/middleware/rate-limit/index.js';
import { proxyHeaders } from '../../src/middleware/proxy-headers/index.js';
import { TestClient } from '../../src/testing/index.js';
import { serve } from '../server/helpers.js';
import { redisAvailable, startRedis, type RedisProcess } from './session/redis-server.js';
import { textApp } from './support.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A clock the test moves by hand, starting at the beginning of a minute. */
function manualClock(start = 1_000 * 60_000) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

function limited(options: Partial<RateLimitOptions> = {}, app: App = textApp('ok\n')) {
  const time = manualClock();
  const client = new TestClient(rateLimit(app, { limit: 3, windowMs: 60_000, clock: time.clock, ...options }));
  return { client, ...time };
}

describe('window arithmetic', () => {
  const fixed = { limit: 5, windowMs: 60_000, algorithm: 'fixed' as const };
  const sliding = { ...fixed, algorithm: 'sliding' as const };

  it('places a moment in its window, with the weight of the previous one', () => {
    expect(windowPosition(90_000, 60_000, 'fixed')).toEqual({ index: 1, elapsed: 30_000, weight: 0 });
    expect(windowPosition(75_000, 60_000, 'sliding')).toEqual({ index: 1, elapsed: 15_000, weight: 0.75 });
  });

  it('fixed: waits for the window to end', () => {
    const at = windowPosition(90_000, 60_000, 'fixed');
    expect(msUntilFree(1, { current: 4, previous: 5 }, at, fixed)).toBe(0);
    expect(msUntilFree(1, { current: 5, previous: 0 }, at, fixed)).toBe(30_000);
    expect(msUntilFree(6, { current: 0, previous: 0 }, at, fixed)).toBe(Infinity);
  });

  it('sliding: waits for the previous window to fade, or for this one to become the previous', () => {
    const at = windowPosition(75_000, 60_000, 'sliding'); // weight 0.75
    // 4 × 0.75 + 1 = 4 used; one more fits, two need 4w + 1 + 2 ≤ 5, w ≤ 0.5: 15 s on.
    expect(msUntilFree(1, { current: 1, previous: 4 }, at, sliding)).toBe(0);
    expect(msUntilFree(2, { current: 1, previous: 4 }, at, sliding)).toBeCloseTo(15_000, 6);
    // This window alone is full: 45 s to its end, then 5w + 1 ≤ 5 needs w ≤ 0.8, 12 s in.
    expect(msUntilFree(1, { current: 5, previous: 0 }, at, sliding)).toBeCloseTo(45_000 + 12_000, 6);
  });
});

describe('MemoryRateLimitStore', () => {
  const claim = (key: string, now: number, amount = 1) => ({ key, window: Math.floor(now / 1000), amount, limit: 3, weight: 0, now, ttl: 2000 });

  it('counts and refuses atomically, and refunds within the window or the next', () => {
    const store = new MemoryRateLimitStore();
    expect([1, 2, 3, 4].map(() => store.consume(claim('a', 5_000)).allowed)).toEqual([true, true, true, false]);
    store.refund('a', 5, 1);
    expect(store.consume(claim('a', 5_500))).toEqual({ allowed: true, current: 3, previous: 0 });
    // In the next window the count is the previous one; a refund there lowers it.
    expect(store.consume({ ...claim('a', 6_100), weight: 1 })).toEqual({ allowed: false, current: 0, previous: 3 });
    store.refund('a', 5, 2);
    expect(store.consume({ ...claim('a', 6_200), weight: 1 })).toEqual({ allowed: true, current: 1, previous: 1 });
  });

  it('stays bounded under a flood of distinct keys, evicting the least recently used', () => {
    const store = new MemoryRateLimitStore({ maxKeys: 100 });
    store.consume(claim('regular', 5_000));
    for (let i = 0; i < 99; i++) store.consume(claim(`flood-${i}`, 5_000));
    store.consume(claim('regular', 5_000)); // used again: now the most recent
    for (let i = 99; i < 198; i++) store.consume(claim(`flood-${i}`, 5_000));
    expect(store.size).toBe(100);
    expect(store.consume(claim('regular', 5_000)).current).toBe(3);
    for (let i = 0; i < 50_000; i++) store.consume(claim(`flood2-${i}`, 5_000));
    expect(store.size).toBe(100);
    expect(store.consume(claim('regular', 5_000)).current).toBe(1); // evicted: a fresh budget
  });

  it('sweeps expired entries lazily, without a timer', () => {
    const store = new MemoryRateLimitStore();
    for (let i = 0; i < 40; i++) store.consume(claim(`k${i}`, 5_000));
    expect(store.size).toBe(40);
    for (let i = 0; i < 20; i++) store.consume(claim('late', 9_000));
    expect(store.size).toBe(1);
  });

  it('refuses a bad cap', () => {
    expect(() => new MemoryRateLimitStore({ maxKeys: 0 })).toThrow(RangeError);
  });
});

describe('rateLimit', () => {
  it('fixed window: limit requests, then 429 with Retry-After and the RateLimit fields, then afresh', async () => {
    const { client, advance } = limited({ algorithm: 'fixed', name: 'api' });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await client.get('/'));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.map((r) => r.headers.get('RateLimit'))).toEqual(['"api";r=2;t=60', '"api";r=1;t=60', '"api";r=0;t=60']);
    expect(answers[0]!.headers.get('RateLimit-Policy')).toBe('"api";q=3;w=60');
    advance(20_000);
    const refused = await client.get('/');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('40');
    expect(refused.headers.get('RateLimit')).toBe('"api";r=0;t=40');
    expect(refused.headers.get('RateLimit-Policy')).toBe('"api";q=3;w=60');
    expect(refused.headers.get('Cache-Control')).toBe('no-store');
    expect(refused.text()).toBe('Too many requests from this client (the limit is 3 per 60 s). Try again in 40 s.\n');
    advance(40_000);
    expect((await client.get('/')).status).toBe(200);
  });

  it('sliding window: the previous window still counts as it fades, and Retry-After says when it has faded enough', async () => {
    const { client, advance } = limited({ limit: 4 });
    for (let i = 0; i < 4; i++) expect((await client.get('/')).status).toBe(200);
    expect((await client.get('/')).status).toBe(429);
    advance(75_000); // 15 s into the next window: 4 × 0.75 = 3 still count
    const one = await client.get('/');
    expect(one.status).toBe(200);
    expect(one.headers.get('RateLimit')).toBe('"default";r=0;t=15');
    const refused = await client.get('/');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('15');
    advance(15_000);
    expect((await client.get('/')).status).toBe(200);
  });

  it('renders the refusal like every error page: problem details, HTML, nothing for HEAD', async () => {
    const { client } = limited({ limit: 1, algorithm: 'fixed' });
    await client.get('/');
    const json = await client.get('/', { headers: { Accept: 'application/json' } });
    expect(json.status).toBe(429);
    expect(json.headers.get('Content-Type')).toBe('application/problem+json');
    expect(json.json()).toMatchObject({ status: 429, title: 'Too Many Requests', limit: 1, window: 60, retryAfter: 60 });
    const html = await client.get('/', { headers: { Accept: 'text/html' } });
    expect(html.text()).toContain('<h1>429 Too Many Requests</h1>');
    const head = await client.head('/');
    expect(head.status).toBe(429);
    expect(head.text()).toBe('');
    expect(head.headers.get('Retry-After')).toBe('60');
  });

  it('counts per REMOTE_ADDR, never per a raw X-Forwarded-For; proxyHeaders outside makes the forwarded client the key', async () => {
    const time = manualClock();
    const app = rateLimit(textApp('ok\n'), { limit: 1, windowMs: 60_000, clock: time.clock });
    const client = new TestClient(app);
    expect((await client.get('/', { headers: { 'X-Forwarded-For': '198.51.100.1' } })).status).toBe(200);
    expect((await client.get('/', { headers: { 'X-Forwarded-For': '198.51.100.2' } })).status).toBe(429);
    expect((await client.get('/', { environ: { REMOTE_ADDR: '10.0.0.9' } })).status).toBe(200);

    const behindProxy = new TestClient(proxyHeaders(rateLimit(textApp('ok\n'), { limit: 1, windowMs: 60_000, clock: time.clock }), { trust: ['loopback'] }));
    expect((await behindProxy.get('/', { headers: { 'X-Forwarded-For': '198.51.100.1' } })).status).toBe(200);
    expect((await behindProxy.get('/', { headers: { 'X-Forwarded-For': '198.51.100.2' } })).status).toBe(200);
    expect((await behindProxy.get('/', { headers: { 'X-Forwarded-For': '198.51.100.1' } })).status).toBe(429);
  });

  it('countIf: only failed logins count, a correct password costs nothing, and concurrent guesses pass no more than the limit', async () => {
    const page = basicAuth(textApp('secret\n'), { realm: 'r', verify: staticCredentials({ ada: 'right' }) });
    const { client } = limited({ limit: 3, countIf: (status) => status === 401 }, page);
    const basic = (password: string) => ({ headers: { Authorization: `Basic ${Buffer.from(`ada:${password}`).toString('base64')}` } });
    for (let i = 0; i < 10; i++) expect((await client.get('/', basic('right'))).status).toBe(200);
    const ok = await client.get('/', basic('right'));
    expect(ok.headers.get('RateLimit')).toBe('"default";r=3;t=0');
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => client.get('/', basic(`guess-${i}`))));
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(27);
    // The budget is spent: even the right password waits now (same client).
    expect((await client.get('/', basic('right'))).status).toBe(429);
  });

  it('cost and skip: a request may cost several units, or none at all', async () => {
    const { client } = limited({
      limit: 5,
      cost: (environ) => (environ.REQUEST_METHOD === 'POST' ? 3 : 1),
      skip: (environ) => environ.PATH_INFO === '/health',
    });
    expect((await client.post('/')).status).toBe(200);
    expect((await client.post('/')).status).toBe(429);
    const health = await client.get('/health');
    expect(health.status).toBe(200);
    expect(health.headers.get('RateLimit')).toBeUndefined();
    expect((await client.get('/')).headers.get('RateLimit')).toBe('"default";r=1;t=75'); // sliding: 4 counted fade from 60 s on
    const tooDear = limited({ limit: 2, cost: () => 3 });
    const refused = await tooDear.client.get('/');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBeUndefined();
    const bad = limited({ cost: () => 1.5 });
    await expect(bad.client.get('/')).rejects.toThrow(/whole number/);
  });

  it('a failing store answers 503 and logs, or lets requests through with failOpen', async () => {
    const broken: RateLimitStore = {
      consume: () => Promise.reject(new Error('store down')),
      refund: () => undefined,
    };
    const errors = new MemoryErrors();
    const closed = new TestClient(rateLimit(textApp('ok\n'), { limit: 1, windowMs: 1000, store: broken }), { environ: { 'tsgi.errors': errors } });
    const answer = await closed.get('/');
    expect(answer.status).toBe(503);
    expect(answer.headers.get('Retry-After')).toBe('5');
    expect(errors.text).toContain('store down');
    const open = new TestClient(rateLimit(textApp('ok\n'), { limit: 1, windowMs: 1000, store: broken, failOpen: true }), { environ: { 'tsgi.errors': errors } });
    expect((await open.get('/')).status).toBe(200);
  });

  it('is named after the app it wraps, and refuses bad options', () => {
    function Inner(): never {
      throw new Error('not called');
    }
    expect(appName(rateLimit(Inner as unknown as App, { limit: 1, windowMs: 1 }))).toBe('Inner');
    const app = textApp('');
    expect(() => rateLimit(app, { limit: 0, windowMs: 1000 })).toThrow(RangeError);
    expect(() => rateLimit(app, { limit: 1, windowMs: 0.5 })).toThrow(RangeError);
    expect(() => rateLimit(app, { limit: 1, windowMs: 1000, name: 'a"b' })).toThrow(TypeError);
    expect(() => rateLimit(app, { limit: 1, windowMs: 1000, algorithm: 'leaky' as 'fixed' })).toThrow(TypeError);
    expect(() => rateLimit(app, { limit: 1, windowMs: 1000, store: {} as RateLimitStore })).toThrow(TypeError);
  });

  it('over a real socket: fields on every response, 429 once spent, and in again after a short window', async () => {
    const { url } = await serve(rateLimit(textApp('ok\n'), { limit: 2, windowMs: 1000, algorithm: 'fixed' }));
    // Start at the beginning of a window, so the three requests share one.
    await sleep(1000 - (Date.now() % 1000) + 5);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(url);
      await response.text();
      statuses.push(response.status);
      expect(response.headers.get('RateLimit-Policy')).toBe('"default";q=2;w=1');
      expect(response.headers.get('RateLimit')).toMatch(/^"default";r=[0-2];t=[01]$/);
    }
    expect(statuses).toEqual([200, 200, 429]);
    await sleep(1100);
    expect((await fetch(url)).status).toBe(200);
  });
});

describe.runIf(redisAvailable())('RedisRateLimitStore against a real redis-server', () => {
  let redis: RedisProcess;
  let clients: Redis[];
  beforeAll(async () => {
    redis = await startRedis();
    clients = [new Redis(redis.url), new Redis(redis.url)];
  });
  afterAll(async () => {
    await Promise.all((clients ?? []).map((client) => client.quit()));
    await redis?.stop();
  });

  const claim = (key: string, amount = 1) => ({ key, window: 7, amount, limit: 10, weight: 0, now: Date.now(), ttl: 5_000 });

  it('checks and counts atomically: 100 concurrent claims from two clients let exactly the limit through', async () => {
    const stores = clients.map((client) => new RedisRateLimitStore({ client, prefix: 'test:atomic:' }));
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => stores[i % 2]!.consume(claim('c'))));
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(10);
    expect(await clients[0]!.get('test:atomic:c:7')).toBe('10');
    const ttl = await clients[0]!.pttl('test:atomic:c:7');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it('weighs the previous window, and refunds without reviving an expired counter', async () => {
    const store = new RedisRateLimitStore({ client: clients[0]!, prefix: 'test:slide:' });
    for (let i = 0; i < 8; i++) await store.consume({ ...claim('s'), window: 6 });
    // 8 × 0.5 + 6 = 10: the seventh in window 7 is refused.
    for (let i = 0; i < 6; i++) expect((await store.consume({ ...claim('s'), weight: 0.5 })).allowed).toBe(true);
    expect(await store.consume({ ...claim('s'), weight: 0.5 })).toEqual({ allowed: false, current: 6, previous: 8 });
    await store.refund('s', 7, 2);
    expect((await store.consume({ ...claim('s'), weight: 0.5 })).current).toBe(5);
    await store.refund('gone', 7, 1);
    expect(await clients[0]!.exists('test:slide:gone:7')).toBe(0);
  });

  it('lets Redis expire idle counters', async () => {
    const store = new RedisRateLimitStore({ client: clients[0]!, prefix: 'test:ttl:' });
    await store.consume({ ...claim('t'), ttl: 150 });
    expect(await clients[0]!.exists('test:ttl:t:7')).toBe(1);
    await sleep(300);
    expect(await clients[0]!.exists('test:ttl:t:7')).toBe(0);
  });

  it('shares one budget between two servers (as between workers)', async () => {
    const make = (client: Redis) =>
      rateLimit(textApp('ok\n'), { limit: 3, windowMs: 60_000, name: 'shared', store: new RedisRateLimitStore({ client, prefix: `test:share:${redis.port}:` }) });
    const one = await serve(make(clients[0]!));
    const two = await serve(make(clients[1]!));
    const statuses = [];
    for (const url of [one.url, two.url, one.url, two.url]) statuses.push((await fetch(url)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('refuses a client without eval', () => {
    expect(() => new RedisRateLimitStore({ client: {} as never })).toThrow(TypeError);
  });
});
