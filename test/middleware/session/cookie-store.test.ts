import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieStore, sessions } from '../../../src/middleware/session/index.js';
import { makeServer, type TsgiServer } from '../../../src/server/index.js';
import { MemoryErrors, type App } from '../../../src/gateway/index.js';
import { TestClient } from '../../../src/testing/index.js';
import { counterApp, OLD_SECRET, SECRET } from './helpers.js';

const COOKIE = 'tsgi_sid';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The session's contents and id as the app sees them, and a way to change them. */
const inspector: App = (environ, start) => {
  const s = environ['tsgi.session']!;
  const path = environ.PATH_INFO;
  if (path === '/big') s.set('blob', 'x'.repeat(Number(new URLSearchParams(environ.QUERY_STRING).get('n') ?? 5000)));
  else if (path === '/regenerate') s.regenerate();
  else if (path === '/destroy') s.destroy();
  else if (path === '/count') s.set('count', Number(s.get('count') ?? 0) + 1);
  const text = JSON.stringify({ id: s.id, isNew: s.isNew, count: s.get('count') ?? null });
  start('200 OK', [['Content-Type', 'application/json']]);
  return [text];
};

function flip(value: string, at: number): string {
  const bytes = Buffer.from(value, 'base64url');
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes.toString('base64url');
}

describe('CookieStore over a real socket', () => {
  let server: TsgiServer;
  let dir: string;

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, sessions(counterApp, { secrets: [SECRET], store: new CookieStore() }), { log: null });
    await server.listen();
    dir = await mkdtemp(join(tmpdir(), 'tsgi-cookie-store-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts 1, 2, 3 with fetch, the cookie carrying the session sealed (no readable data, no signed id)', async () => {
    let cookie = '';
    const values: string[] = [];
    for (const n of [1, 2, 3]) {
      const response = await fetch(server.url, { headers: cookie === '' ? {} : { Cookie: cookie }, signal: AbortSignal.timeout(5000) });
      expect(await response.text()).toBe(`You have been here ${n} times!\n`);
      const setCookie = response.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/^tsgi_sid=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax$/);
      cookie = setCookie.split(';')[0]!;
      values.push(cookie.slice(COOKIE.length + 1));
    }
    // A fresh IV each time, and nothing in clear.
    expect(new Set(values).size).toBe(3);
    for (const value of values) {
      expect(value).not.toContain('.');
      expect(Buffer.from(value, 'base64url').toString('latin1')).not.toMatch(/count|created/);
    }
  });

  it('counts with curl -c/-b; a flipped byte gives a fresh session, and so does a truncated cookie', async () => {
    const jar = join(dir, 'jar.txt');
    for (const n of [1, 2]) expect((await curl(['-c', jar, '-b', jar, server.url])).stdout).toBe(`You have been here ${n} times!\n`);
    const original = await readFile(jar, 'utf8');
    const value = /tsgi_sid\t(\S+)/.exec(original)![1]!;
    const length = Buffer.from(value, 'base64url').length;
    // The IV, the ciphertext and the tag: each is covered by the tag.
    for (const at of [0, 20, length - 1]) {
      await writeFile(jar, original.replace(value, flip(value, at)));
      expect((await curl(['-c', jar, '-b', jar, server.url])).stdout, `byte ${at}`).toBe('You have been here 1 times!\n');
    }
    for (const cut of [value.slice(0, -4), value.slice(0, 20), '']) {
      const { stdout } = await curl(['-H', `Cookie: ${COOKIE}=${cut}`, server.url]);
      expect(stdout).toBe('You have been here 1 times!\n');
    }
    await writeFile(jar, original);
    expect((await curl(['-c', jar, '-b', jar, server.url])).stdout).toBe('You have been here 3 times!\n');
  });

  it('answers a session too large for its cookie with a 500 naming the 4096-byte limit, and logs it', async () => {
    const errors = new MemoryErrors();
    const big = makeServer('127.0.0.1', 0, sessions(inspector, { secrets: [SECRET], store: new CookieStore() }), { log: null, errors });
    await big.listen();
    try {
      const fits = await fetch(`${big.url}big?n=2500`, { signal: AbortSignal.timeout(5000) });
      expect(fits.status).toBe(200);
      expect(Buffer.byteLength(fits.headers.get('set-cookie')!)).toBeLessThanOrEqual(4096);
      const response = await fetch(`${big.url}big?n=5000`, { signal: AbortSignal.timeout(5000) });
      expect(response.status).toBe(500);
      expect(response.headers.get('set-cookie')).toBeNull();
      const text = await response.text();
      expect(text).toContain('too large for its cookie');
      expect(text).toContain('the limit is 4096 bytes');
      expect(errors.text).toContain('over the 4096-byte limit (RFC 6265 §6.1');
    } finally {
      await big.close();
    }
  });
});

describe('CookieStore in process', () => {
  const app = (options: { secrets?: string[]; idleTimeout?: number; absoluteTimeout?: number } = {}) =>
    sessions(inspector, { secrets: options.secrets ?? [SECRET], store: new CookieStore(), ...options });
  const read = async (client: TestClient, path = '/') => JSON.parse((await client.get(path)).text()) as { id: string; isNew: boolean; count: number | null };

  it('stores nothing and sends no cookie for a session that is only read', async () => {
    const client = new TestClient(app());
    const response = await client.get('/');
    expect(response.headers.getAll('Set-Cookie')).toEqual([]);
    expect((await read(client)).isNew).toBe(true);
  });

  it('keeps the id across requests and sends the cookie again only when the session changed', async () => {
    const client = new TestClient(app());
    const first = await read(client, '/count');
    const second = await read(client, '/count');
    expect(second).toEqual({ id: first.id, isNew: false, count: 2 });
    expect((await client.get('/')).headers.getAll('Set-Cookie')).toEqual([]);
  });

  it('rotation: a cookie sealed under a secret listed second still opens and is re-sealed; once the secret is gone it reads as no session', async () => {
    const before = new TestClient(app({ secrets: [OLD_SECRET] }));
    await read(before, '/count');
    const old = before.cookies.get(COOKIE)!;

    const rotating = new TestClient(app({ secrets: [SECRET, OLD_SECRET] }));
    rotating.cookies.set(COOKIE, old);
    const response = await rotating.get('/');
    expect(JSON.parse(response.text()).count).toBe(1);
    // Re-sealed under the first secret even though nothing changed.
    expect(response.headers.getAll('Set-Cookie')).toHaveLength(1);
    const resealed = rotating.cookies.get(COOKIE)!;

    const current = new TestClient(app({ secrets: [SECRET] }));
    current.cookies.set(COOKIE, resealed);
    expect((await read(current, '/count')).count).toBe(2);
    const dropped = new TestClient(app({ secrets: [SECRET] }));
    dropped.cookies.set(COOKIE, old);
    const fresh = await dropped.get('/');
    expect(JSON.parse(fresh.text())).toMatchObject({ isNew: true, count: null });
    // The undecryptable cookie is expired.
    expect(fresh.headers.getAll('Set-Cookie')[0]).toMatch(/^tsgi_sid=; Max-Age=0/);
  });

  it('a cookie sealed under another cookie name does not open', async () => {
    const client = new TestClient(sessions(inspector, { secrets: [SECRET], store: new CookieStore(), cookieName: 'other' }));
    await read(client, '/count');
    const mine = new TestClient(app());
    mine.cookies.set(COOKIE, client.cookies.get('other')!);
    expect((await read(mine)).isNew).toBe(true);
  });

  it('honours the idle and absolute timeouts sealed inside the cookie', async () => {
    const idle = new TestClient(app({ idleTimeout: 100 }));
    await read(idle, '/count');
    await sleep(150);
    expect((await read(idle, '/count')).count).toBe(1);

    const busy = new TestClient(app({ idleTimeout: 10_000, absoluteTimeout: 200 }));
    let count = 0;
    const started = Date.now();
    while (Date.now() - started < 3000) {
      count = (await read(busy, '/count')).count!;
      if (count === 1 && Date.now() - started > 0 && Date.now() - started >= 200) break;
      await sleep(30);
    }
    expect(count).toBe(1);
  });

  it('regenerate() re-seals under a new id; destroy() expires the cookie', async () => {
    const client = new TestClient(app());
    const before = await read(client, '/count');
    await client.get('/regenerate');
    const after = await read(client, '/count');
    expect(after.id).not.toBe(before.id);
    expect(after.count).toBe(2);
    const logout = await client.get('/destroy');
    expect(logout.headers.getAll('Set-Cookie')[0]).toMatch(/^tsgi_sid=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    expect(await read(client)).toMatchObject({ isNew: true, count: null });
  });

  it('ignores a signed id, which only means something to a server-side store', async () => {
    const stored = new TestClient(sessions(counterApp, { secrets: [SECRET], deferNewSessions: false }));
    await stored.get('/');
    const client = new TestClient(app());
    client.cookies.set(COOKIE, stored.cookies.get(COOKIE)!);
    expect((await read(client)).isNew).toBe(true);
  });

  it('refuses a streamed response whose session outgrew the cookie before its head went out, and HEAD gets the 500 without a body', async () => {
    const streaming: App = (environ, start) => {
      environ['tsgi.session']!.set('blob', 'y'.repeat(6000));
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield 'one';
        yield 'two';
      })();
    };
    const client = new TestClient(sessions(streaming, { secrets: [SECRET], store: new CookieStore({ maxBytes: 4096 }) }));
    const response = await client.get('/');
    expect(response.status).toBe(500);
    expect(response.text()).toContain('the limit is 4096 bytes');
    expect(response.errors).toContain('does not fit in its cookie');
    const head = await client.request('HEAD', '/');
    expect(head.status).toBe(500);
    expect(head.text()).toBe('');
  });

  it('drops and logs a change made after the cookie left with the head', async () => {
    const late: App = (environ, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        environ['tsgi.session']!.set('early', 1);
        yield 'first';
        environ['tsgi.session']!.set('late', 2);
        yield 'second';
      })();
    };
    const client = new TestClient(sessions(late, { secrets: [SECRET], store: new CookieStore() }));
    const response = await client.get('/');
    expect(response.errors).toContain('too late to send its cookie');
    const check = new TestClient(sessions(inspector, { secrets: [SECRET], store: new CookieStore() }));
    check.cookies.set(COOKIE, client.cookies.get(COOKIE)!);
    expect((await read(check)).isNew).toBe(false);
  });

  it('refuses a limit above 4096 bytes', () => {
    expect(() => new CookieStore({ maxBytes: 5000 })).toThrow(/4096/);
    expect(() => new CookieStore({ maxBytes: 100 })).toThrow(/256/);
  });
});

function curl(args: string[]): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '5', ...args], (error, stdout) => {
      resolve({ stdout, code: error === null ? 0 : Number((error as { code?: number }).code ?? 1) });
    });
  });
}
