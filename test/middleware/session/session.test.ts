import { describe, expect, it } from 'vitest';
import { BaseHandler } from '../../../src/handler/index.js';
import { MemoryStore, sessions } from '../../../src/middleware/session/index.js';
import { TestClient } from '../../../src/testing/index.js';
import { type App, type Chunk, type Environ, type Session } from '../../../src/gateway/index.js';
import { counter, counterApp, OLD_SECRET, SECRET, SlowStore, SpyStore } from './helpers.js';

const COOKIE = 'tsgi_sid';
/** Stores a new session at once, for tests of the store's side of things. */
const AT_ONCE = { deferNewSessions: false } as const;

function setCookies(response: { headers: { getAll(name: string): string[] } }): string[] {
  return response.headers.getAll('Set-Cookie');
}

describe('session middleware, in process', () => {
  it('counts visits through the cookie jar: 1, 2, 3', async () => {
    const client = new TestClient(counter());
    for (const n of [1, 2, 3]) {
      expect((await client.get('/')).text()).toBe(`You have been here ${n} times!\n`);
    }
  });

  it('sends the cookie once, HttpOnly, SameSite=Lax, Path=/, no Secure over http', async () => {
    const client = new TestClient(counter(AT_ONCE));
    const first = await client.get('/');
    const [cookie] = setCookies(first);
    expect(cookie).toMatch(/^tsgi_sid=[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(setCookies(await client.get('/'))).toEqual([]);
  });

  it('marks the cookie Secure under https and scopes it to SCRIPT_NAME', async () => {
    const client = new TestClient(counter(), { baseUrl: 'https://example.test', environ: { SCRIPT_NAME: '/counter' } });
    const [cookie] = setCookies(await client.get('/'));
    expect(cookie).toContain('; Secure');
    expect(cookie).toContain('Path=/counter;');
    expect((await client.get('/')).text()).toContain('2 times');
  });

  it('takes the path from the SCRIPT_NAME the request arrived with, not one set by a layer inside', async () => {
    const mounting: App = (environ, start) => {
      environ.SCRIPT_NAME += '/inner';
      return counterApp(environ, start);
    };
    const client = new TestClient(sessions(mounting, { secrets: [SECRET] }));
    expect(setCookies(await client.get('/'))[0]).toContain('Path=/;');
  });

  it('uses a configurable cookie name', async () => {
    const client = new TestClient(counter({ cookieName: 'visits' }));
    await client.get('/');
    expect(client.cookies.get('visits')).toBeDefined();
    expect(client.cookies.get(COOKIE)).toBeUndefined();
  });

  it('issues ids of at least 128 random bits, different per visitor', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const client = new TestClient(counter());
      await client.get('/');
      ids.add(client.cookies.get(COOKIE)!.split('.')[0]!);
    }
    expect(ids.size).toBe(20);
    for (const id of ids) expect(Buffer.from(id, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  });

  it('keeps visitors apart', async () => {
    const app = counter();
    const ada = new TestClient(app);
    const bob = new TestClient(app);
    await ada.get('/');
    await ada.get('/');
    expect((await bob.get('/')).text()).toContain('1 times');
    expect((await ada.get('/')).text()).toContain('3 times');
  });

  it('is lazy: no cookie and no store access when the app never uses the session', async () => {
    const store = new SpyStore();
    const app = sessions(
      (_environ: Environ, start) => {
        start('200 OK', [['Content-Type', 'text/plain']]);
        return ['plain'];
      },
      { secrets: [SECRET], store },
    );
    const client = new TestClient(app);
    const response = await client.get('/');
    expect(setCookies(response)).toEqual([]);
    expect(store.calls).toEqual([]);
  });

  it('does not store or send a cookie for a session that was only read', async () => {
    const store = new SpyStore();
    const reader: App = (environ, start) => {
      const seen = environ['tsgi.session']!.get('count');
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [String(seen)];
    };
    const client = new TestClient(sessions(reader, { secrets: [SECRET], store }));
    expect((await client.get('/')).text()).toBe('undefined');
    expect(setCookies(await client.get('/'))).toEqual([]);
    expect(store.calls).toEqual([]);
  });

  it('writes only when modified (an unmodified read within touchAfter writes nothing)', async () => {
    const store = new SpyStore();
    let write = true;
    const app: App = (environ, start) => {
      const s = environ['tsgi.session']!;
      if (write) s.set('n', 1);
      else s.get('n');
      start('200 OK', [['Content-Type', 'text/plain']]);
      return ['ok'];
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET], store, ...AT_ONCE }));
    await client.get('/');
    expect(store.calls.filter((c) => c.startsWith('set'))).toHaveLength(1);
    write = false;
    await client.get('/');
    await client.get('/');
    expect(store.calls.filter((c) => c.startsWith('set'))).toHaveLength(1);
    expect(store.calls.filter((c) => c.startsWith('get'))).toHaveLength(2);
  });

  it('notices an object read from the session and changed in place', async () => {
    const app: App = (environ, start) => {
      const s = environ['tsgi.session']!;
      const list = (s.get('list') as number[] | undefined) ?? [];
      if (list.length === 0) s.set('list', list);
      list.push(list.length);
      start('200 OK', [['Content-Type', 'application/json']]);
      return [JSON.stringify(list)];
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET] }));
    await client.get('/');
    await client.get('/');
    expect((await client.get('/')).json()).toEqual([0, 1, 2]);
  });

  it('implements the Session dict: get, set, has, delete, clear, keys, isNew, modified', async () => {
    const seen: unknown[] = [];
    const app: App = (environ, start) => {
      const s: Session = environ['tsgi.session']!;
      seen.push({ isNew: s.isNew, modified: s.modified, keys: s.keys() });
      if (s.isNew) {
        s.set('a', 1);
        s.set('b', { nested: ['x'] });
      } else {
        seen.push({ has: s.has('a'), b: s.get('b'), deleted: s.delete('a'), again: s.delete('a'), keys: s.keys() });
        s.clear();
        seen.push({ keys: s.keys(), modified: s.modified });
      }
      start('204 No Content', []);
      return [];
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET] }));
    await client.get('/');
    await client.get('/');
    expect(seen).toEqual([
      { isNew: true, modified: false, keys: [] },
      { isNew: false, modified: false, keys: ['a', 'b'] },
      { has: true, b: { nested: ['x'] }, deleted: true, again: false, keys: ['b'] },
      { keys: [], modified: true },
    ]);
  });

  it('refuses values that JSON cannot hold', async () => {
    const errors: string[] = [];
    const app: App = (environ, start) => {
      const s = environ['tsgi.session']!;
      for (const value of [() => 1, undefined, 10n, Symbol('x')]) {
        try {
          s.set('bad', value);
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [String(s.has('bad'))];
    };
    const response = await new TestClient(sessions(app, { secrets: [SECRET] })).get('/');
    expect(response.text()).toBe('false');
    expect(errors).toHaveLength(4);
    expect(errors[0]).toContain('not JSON-serialisable');
  });

  it('works with BaseHandler classes, whose code runs while the body is iterated', async () => {
    class Visits extends BaseHandler {
      doGETALL(): string {
        const s = this.environ['tsgi.session']!;
        const n = Number(s.get('n') ?? 0) + 1;
        s.set('n', n);
        return `visit ${n}`;
      }
    }
    const client = new TestClient(sessions(Visits, { secrets: [SECRET] }));
    expect((await client.get('/')).text()).toBe('visit 1');
    expect(client.cookies.get(COOKIE)).toBeDefined();
    expect((await client.get('/')).text()).toBe('visit 2');
  });

  it('works with streaming async bodies, saving after the last chunk', async () => {
    const store = new SpyStore();
    const events: string[] = [];
    const app: App = (environ, start) => {
      const s = environ['tsgi.session']!;
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* (): AsyncGenerator<Chunk> {
        try {
          const n = Number(s.get('n') ?? 0) + 1;
          s.set('n', n);
          yield `n=${n}`;
          events.push(`yielded, stored: ${store.size}`);
          yield '.';
        } finally {
          events.push('app body closed');
        }
      })();
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET], store, ...AT_ONCE }));
    expect((await client.get('/')).text()).toBe('n=1.');
    expect(events).toEqual(['yielded, stored: 0', 'app body closed']);
    expect(store.size).toBe(1);
    expect((await client.get('/')).text()).toBe('n=2.');
  });

  it('supports write() before the body', async () => {
    const app: App = async (environ, start) => {
      const s = environ['tsgi.session']!;
      const n = Number(s.get('n') ?? 0) + 1;
      s.set('n', n);
      const write = start('200 OK', [['Content-Type', 'text/plain']]);
      await write(`n=${n}`);
      return [];
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET] }));
    expect((await client.get('/')).text()).toBe('n=1');
    expect((await client.get('/')).text()).toBe('n=2');
  });

  it('sends the cookie even when the session is first set after startResponse, before output', async () => {
    const app: App = (environ, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        environ['tsgi.session']!.set('late', true);
        yield 'ok';
      })();
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET] }));
    const response = await client.get('/');
    expect(setCookies(response)).toHaveLength(1);
  });

  it('drops (and logs) a new session started after output began, since no cookie can carry it', async () => {
    const store = new SpyStore();
    const app: App = (environ, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        yield 'first';
        environ['tsgi.session']!.set('late', true);
        yield 'second';
      })();
    };
    const response = await new TestClient(sessions(app, { secrets: [SECRET], store })).get('/');
    expect(response.text()).toBe('firstsecond');
    expect(setCookies(response)).toEqual([]);
    expect(store.size).toBe(0);
    expect(response.errors).toContain('too late to send its cookie');
  });

  it('discards the changes of an app that throws', async () => {
    const store = new SpyStore();
    let fail = false;
    const app: App = (environ, start) => {
      environ['tsgi.session']!.set('n', 1);
      if (fail) throw new Error('boom');
      start('200 OK', [['Content-Type', 'text/plain']]);
      return ['ok'];
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET], store }), { catchErrors: true });
    await client.get('/');
    const writes = store.calls.length;
    fail = true;
    expect((await client.get('/')).status).toBe(500);
    expect(store.calls.slice(writes).filter((c) => !c.startsWith('get'))).toEqual([]);
  });

  it('HEAD requests still save and send the cookie', async () => {
    const app: App = (environ, start) => {
      environ['tsgi.session']!.set('seen', true);
      start('200 OK', [['Content-Type', 'text/plain']]);
      return environ.REQUEST_METHOD === 'HEAD' ? [] : ['ok'];
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET] }));
    expect(setCookies(await client.head('/'))).toHaveLength(1);
  });
});

describe('session lifetime: regenerate and destroy', () => {
  function accountApp(store: SpyStore, options: { deferNewSessions?: boolean } = {}) {
    const app: App = (environ, start) => {
      const s = environ['tsgi.session']!;
      let text: string;
      if (environ.PATH_INFO === '/login') {
        s.regenerate();
        s.set('user', 'ada');
        text = 'logged in';
      } else if (environ.PATH_INFO === '/logout') {
        s.destroy();
        text = 'bye';
      } else {
        s.set('views', Number(s.get('views') ?? 0) + 1);
        text = `${String(s.get('user') ?? 'anonymous')} ${String(s.get('views'))}`;
      }
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [text];
    };
    return sessions(app, { secrets: [SECRET], store, ...options });
  }

  it('regenerate() issues a new id, keeps the data and deletes the old record', async () => {
    const store = new SpyStore();
    const client = new TestClient(accountApp(store, AT_ONCE));
    await client.get('/');
    const before = client.cookies.get(COOKIE)!.split('.')[0]!;
    const login = await client.get('/login');
    expect(setCookies(login)).toHaveLength(1);
    const after = client.cookies.get(COOKIE)!.split('.')[0]!;
    expect(after).not.toBe(before);
    expect(store.has(before)).toBe(false);
    expect(store.has(after)).toBe(true);
    expect((await client.get('/')).text()).toBe('ada 2');
  });

  it.each([
    ['stored at once', AT_ONCE, 'anonymous 1'],
    // The attacker's sealed cookie cannot be revoked, but it only ever
    // carries the attacker's own anonymous session.
    ['sealed in its cookie first', {}, 'anonymous 2'],
  ])('an attacker who planted their own session cookie gains nothing after the victim logs in (%s)', async (_label, options, expected) => {
    const store = new SpyStore();
    const app = accountApp(store, options);
    const attacker = new TestClient(app);
    await attacker.get('/');
    const victim = new TestClient(app);
    victim.cookies.set(COOKIE, attacker.cookies.get(COOKIE)!);
    await victim.get('/login');
    expect((await victim.get('/')).text()).toBe('ada 2');
    expect((await attacker.get('/')).text()).toBe(expected);
  });

  it('destroy() deletes the record and expires the cookie', async () => {
    const store = new SpyStore();
    const client = new TestClient(accountApp(store));
    await client.get('/login');
    const id = client.cookies.get(COOKIE)!.split('.')[0]!;
    const logout = await client.get('/logout');
    expect(setCookies(logout)[0]).toMatch(/^tsgi_sid=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/);
    expect(store.has(id)).toBe(false);
    expect(client.cookies.get(COOKIE)).toBeUndefined();
    expect((await client.get('/')).text()).toBe('anonymous 1');
  });

  it('a replayed cookie of a destroyed session gets a new empty session', async () => {
    const store = new SpyStore();
    const client = new TestClient(accountApp(store));
    await client.get('/login');
    const stolen = client.cookies.get(COOKIE)!;
    await client.get('/logout');
    const thief = new TestClient(accountApp(store));
    thief.cookies.set(COOKIE, stolen);
    expect((await thief.get('/')).text()).toBe('anonymous 1');
  });
});

describe('session cookies: bad input gets a new empty session', () => {
  async function signedCookie(): Promise<{ app: App; value: string }> {
    const app = counter();
    const client = new TestClient(app);
    await client.get('/');
    await client.get('/');
    return { app, value: client.cookies.get(COOKIE)! };
  }

  const tamperings: Array<[string, (value: string) => string]> = [
    ['a changed id', (v) => (v[0] === 'A' ? 'B' : 'A') + v.slice(1)],
    ['a changed signature', (v) => v.slice(0, -1) + (v.endsWith('A') ? 'B' : 'A')],
    ['no signature', (v) => v.split('.')[0]!],
    ['an empty value', () => ''],
    ['garbage', () => 'not-a-session'],
    ['an oversized value', (v) => v + 'x'.repeat(5000)],
    ['percent-encoded junk', () => '%E0%A4%A'],
    ['a path-like id', (v) => '../../../../etc/passwd' + v.slice(22)],
  ];

  for (const [label, tamper] of tamperings) {
    it(`${label} → count starts again at 1, and the bad cookie is replaced`, async () => {
      const { app, value } = await signedCookie();
      const client = new TestClient(app);
      client.cookies.set(COOKIE, tamper(value));
      const response = await client.get('/');
      expect(response.status).toBe(200);
      expect(response.text()).toBe('You have been here 1 times!\n');
      const fresh = client.cookies.get(COOKIE)!;
      expect(fresh).not.toBe(value);
      expect((await client.get('/')).text()).toBe('You have been here 2 times!\n');
    });
  }

  it('a cookie forged with another secret is refused', async () => {
    const other = new TestClient(sessions(counterApp, { secrets: ['an attacker secret that is long enough 000000'] }));
    await other.get('/');
    const { app } = await signedCookie();
    const client = new TestClient(app);
    client.cookies.set(COOKIE, other.cookies.get(COOKIE)!);
    expect((await client.get('/')).text()).toContain('1 times');
  });

  it('a stale copy at a deeper path does not hide the valid cookie', async () => {
    const { app, value } = await signedCookie();
    const client = new TestClient(app);
    client.cookies.set(COOKIE, value, { path: '/' });
    client.cookies.set(COOKIE, 'stale-from-an-old-secret', { path: '/deep' });
    const response = await client.get('/deep/page');
    expect(response.text()).toBe('You have been here 3 times!\n');
    expect(setCookies(response)).toEqual([]);
  });

  it('a bad cookie on a request that stores nothing is expired', async () => {
    const app = sessions(
      (_e: Environ, start) => {
        start('200 OK', [['Content-Type', 'text/plain']]);
        return ['ok'];
      },
      { secrets: [SECRET] },
    );
    const client = new TestClient(app);
    client.cookies.set(COOKIE, 'garbage');
    expect(setCookies(await client.get('/'))[0]).toContain('Max-Age=0');
  });

  it('never reads the store for a cookie whose signature fails', async () => {
    const store = new SpyStore();
    const client = new TestClient(counter({}, store));
    client.cookies.set(COOKIE, `${'A'.repeat(32)}.${'B'.repeat(43)}`);
    await client.get('/');
    expect(store.calls.filter((c) => c.startsWith('get'))).toEqual([]);
  });
});

describe('session key rotation', () => {
  it('verifies cookies signed by an older secret and re-signs them with the first', async () => {
    const store = new MemoryStore();
    const before = sessions(counterApp, { secrets: [OLD_SECRET], store, ...AT_ONCE });
    const client = new TestClient(before);
    await client.get('/');
    const oldCookie = client.cookies.get(COOKIE)!;

    const rotated = new TestClient(sessions(counterApp, { secrets: [SECRET, OLD_SECRET], store }));
    rotated.cookies.set(COOKIE, oldCookie);
    const response = await rotated.get('/');
    expect(response.text()).toContain('2 times');
    const newCookie = rotated.cookies.get(COOKIE)!;
    expect(newCookie).not.toBe(oldCookie);
    expect(newCookie.split('.')[0]).toBe(oldCookie.split('.')[0]);

    // Once the old secret is dropped, the re-signed cookie still works and the old one does not.
    const after = sessions(counterApp, { secrets: [SECRET], store });
    const current = new TestClient(after);
    current.cookies.set(COOKIE, newCookie);
    expect((await current.get('/')).text()).toContain('3 times');
    const stale = new TestClient(after);
    stale.cookies.set(COOKIE, oldCookie);
    expect((await stale.get('/')).text()).toContain('1 times');
  });

  it('refuses missing or short secrets and bad options', () => {
    expect(() => sessions(counterApp, { secrets: [] })).toThrow(/non-empty array/);
    expect(() => sessions(counterApp, { secrets: ['short'] })).toThrow(/at least 32 characters/);
    expect(() => sessions(counterApp, { secrets: [SECRET], cookieName: 'bad name' })).toThrow(/cookie name/);
    expect(() => sessions(counterApp, { secrets: [SECRET], idleTimeout: 0 })).toThrow(/idleTimeout/);
    expect(() => sessions(counterApp, { secrets: [SECRET], absoluteTimeout: -1 })).toThrow(/absoluteTimeout/);
  });
});

describe('session expiry', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('an idle session expires; activity within the idle timeout keeps it alive', async () => {
    // Generous margins: the machine running the tests may be busy.
    const client = new TestClient(counter({ idleTimeout: 500, absoluteTimeout: 10_000, touchAfter: 0 }));
    await client.get('/');
    for (let i = 2; i <= 4; i++) {
      await sleep(50);
      expect((await client.get('/')).text()).toContain(`${i} times`);
    }
    await sleep(700);
    expect((await client.get('/')).text()).toContain('1 times');
  });

  it('renews an unmodified session the app reads, at most every touchAfter', async () => {
    const store = new SpyStore();
    const app: App = (environ, start) => {
      const s = environ['tsgi.session']!;
      if (!s.has('n')) s.set('n', 1);
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [String(s.get('n'))];
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET], store, idleTimeout: 200, touchAfter: 50, ...AT_ONCE }));
    await client.get('/');
    await client.get('/');
    expect(store.calls.filter((c) => c.startsWith('set'))).toHaveLength(1);
    for (let i = 0; i < 4; i++) {
      await sleep(70);
      expect((await client.get('/')).text()).toBe('1');
    }
    expect(store.calls.filter((c) => c.startsWith('set'))).toHaveLength(5);
  });

  it('a session expires at the absolute timeout however busy it is', async () => {
    const client = new TestClient(counter({ idleTimeout: 10_000, absoluteTimeout: 200 }));
    let last = '';
    const started = Date.now();
    for (let i = 0; i < 150 && Date.now() - started < 3000; i++) {
      last = (await client.get('/')).text();
      if (last.includes(' 1 times') && i > 0) break;
      await sleep(20);
    }
    expect(last).toContain(' 1 times');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe('session store failures', () => {
  it('a failed read answers 503 with Retry-After, logs it, and does not run the app', async () => {
    const store = new SpyStore();
    let ran = 0;
    const app = sessions(
      (environ: Environ, start) => {
        ran++;
        return counterApp(environ, start);
      },
      { secrets: [SECRET], store },
    );
    const client = new TestClient(app);
    // The second visit moves the new session from its cookie to the store.
    await client.get('/');
    await client.get('/');
    expect(store.size).toBe(1);
    store.failGet = true;
    const response = await client.get('/');
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(response.text()).toContain('session store could not be reached');
    expect(response.errors).toContain('store down (get)');
    expect(ran).toBe(2);
    expect(setCookies(response)).toEqual([]);
    store.failGet = false;
    expect((await client.get('/')).text()).toContain('3 times');
  });

  it('a failed write answers 503 instead of the response when nothing has been sent', async () => {
    const store = new SpyStore();
    store.failSet = true;
    const client = new TestClient(counter(AT_ONCE, store));
    const response = await client.get('/');
    expect(response.status).toBe(503);
    expect(setCookies(response)).toEqual([]);
    expect(response.errors).toContain('store down (set)');
  });

  it('a failed write after output fails the response rather than pretending', async () => {
    const store = new SpyStore();
    store.failSet = true;
    const app: App = (environ, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      environ['tsgi.session']!.set('n', 1);
      return (async function* () {
        yield 'partial';
      })();
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET], store, ...AT_ONCE }));
    await expect(client.get('/')).rejects.toThrow('store down (set)');
  });
});

describe('session over a real socket: the save lands before the visitor can ask again', () => {
  const text = (n: number) => `count ${String(n).padStart(4, '0')}\n`;
  const bodies: Record<string, (n: number, environ: Environ, start: Parameters<App>[1]) => Iterable<Chunk> | AsyncIterable<Chunk>> = {
    'a generator with Content-Length': (n, _environ, start) => {
      start('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', String(text(n).length)]]);
      return (function* () {
        yield text(n).slice(0, 5);
        yield text(n).slice(5);
      })();
    },
    'a chunked async generator': (n, _environ, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield text(n);
      })();
    },
    'an array': (n, _environ, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [text(n)];
    },
  };

  for (const [label, respond] of Object.entries(bodies)) {
    it(`${label}: 20 back-to-back requests count 1..20, even with a slow store`, async () => {
      const { makeServer } = await import('../../../src/server/index.js');
      const app: App = (environ, start) => {
        const s = environ['tsgi.session']!;
        const n = Number(s.get('n') ?? 0) + 1;
        s.set('n', n);
        return respond(n, environ, start);
      };
      const server = makeServer('127.0.0.1', 0, sessions(app, { secrets: [SECRET], store: new SlowStore(15) }), { log: null });
      await server.listen();
      try {
        let cookie = '';
        const seen: string[] = [];
        for (let i = 0; i < 20; i++) {
          const response = await fetch(server.url, { headers: cookie === '' ? {} : { Cookie: cookie } });
          cookie = response.headers.get('set-cookie')?.split(';')[0] ?? cookie;
          seen.push(await response.text());
        }
        expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => text(i + 1)));
      } finally {
        await server.close();
      }
    });
  }
});

describe('nested sessions layers', () => {
  it('the inner layer steps aside for the outer one: one cookie, one count', async () => {
    const app = sessions(sessions(counterApp, { secrets: [OLD_SECRET], cookieName: 'inner' }), { secrets: [SECRET] });
    const client = new TestClient(app);
    const first = await client.get('/');
    expect(setCookies(first)).toHaveLength(1);
    expect(setCookies(first)[0]).toMatch(/^tsgi_sid=/);
    expect((await client.get('/')).text()).toContain('2 times');
  });
});

describe('session behind a reverse proxy', () => {
  it('with proxyHeaders outside it, the cookie follows X-Forwarded-Proto and X-Forwarded-Prefix', async () => {
    const { proxyHeaders } = await import('../../../src/middleware/proxy-headers/index.js');
    const { stack } = await import('../../../src/middleware/stack/index.js');
    const app = stack(
      counterApp,
      (inner) => sessions(inner, { secrets: [SECRET] }),
      (inner) => proxyHeaders(inner, { trust: ['loopback'] }),
    );
    const client = new TestClient(app, { environ: { REMOTE_ADDR: '127.0.0.1' } });
    const response = await client.get('/', { headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Prefix': '/app' } });
    const [cookie] = setCookies(response);
    expect(cookie).toContain('; Secure');
    expect(cookie).toContain('Path=/app;');
  });
});

describe('new sessions wait sealed in their cookie until the visitor sends it back', () => {
  it('the first write seals the session into the cookie; the next visit that writes moves it to the store under a signed id', async () => {
    const store = new SpyStore();
    const client = new TestClient(counter({}, store));
    const first = await client.get('/');
    expect(first.text()).toContain('1 times');
    expect(store.calls).toEqual([]);
    expect(client.cookies.get(COOKIE)).not.toContain('.');
    const second = await client.get('/');
    expect(second.text()).toContain('2 times');
    expect(store.size).toBe(1);
    expect(client.cookies.get(COOKIE)).toMatch(/^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$/);
    expect((await client.get('/')).text()).toContain('3 times');
    expect(store.calls.filter((call) => call.startsWith('set'))).toHaveLength(2);
  });

  it('visits that only read a waiting session store nothing and send no cookie', async () => {
    const store = new SpyStore();
    const app: App = (environ, start) => {
      const s = environ['tsgi.session']!;
      if (environ.PATH_INFO === '/set') s.set('n', 1);
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [String(s.get('n') ?? 'none')];
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET], store }));
    await client.get('/set');
    for (let i = 0; i < 3; i++) {
      const response = await client.get('/');
      expect(response.text()).toBe('1');
      expect(setCookies(response)).toEqual([]);
    }
    expect(store.calls).toEqual([]);
  });

  it('a thousand cookieless visits that each write store nothing; a replayed sealed cookie makes one record, not many', async () => {
    const store = new MemoryStore();
    const app = counter({}, store);
    for (let i = 0; i < 1000; i++) await new TestClient(app).get('/');
    expect(store.size).toBe(0);
    const sealed = await new TestClient(app).get('/');
    const value = sealed.headers.getAll('Set-Cookie')[0]!.split(';')[0]!.slice(COOKIE.length + 1);
    for (let i = 0; i < 50; i++) {
      const replay = new TestClient(app);
      replay.cookies.set(COOKIE, value);
      await replay.get('/');
    }
    expect(store.size).toBe(1);
  });

  it('a new session too large for a cookie is stored at once', async () => {
    const store = new SpyStore();
    const app: App = (environ, start) => {
      environ['tsgi.session']!.set('blob', 'z'.repeat(5000));
      start('200 OK', [['Content-Type', 'text/plain']]);
      return ['ok'];
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET], store }));
    expect((await client.get('/')).status).toBe(200);
    expect(store.size).toBe(1);
    expect(client.cookies.get(COOKIE)).toMatch(/^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$/);
  });

  it('a login (regenerate) goes to the store at once, so that logging out revokes it', async () => {
    const store = new SpyStore();
    const app: App = (environ, start) => {
      const s = environ['tsgi.session']!;
      if (environ.PATH_INFO === '/login') {
        s.regenerate();
        s.set('user', 'ada');
      } else if (environ.PATH_INFO === '/logout') s.destroy();
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [String(s.get('user') ?? 'anonymous')];
    };
    const client = new TestClient(sessions(app, { secrets: [SECRET], store }));
    await client.get('/login');
    expect(store.size).toBe(1);
    const stolen = client.cookies.get(COOKIE)!;
    await client.get('/logout');
    const thief = new TestClient(sessions(app, { secrets: [SECRET], store }));
    thief.cookies.set(COOKIE, stolen);
    expect((await thief.get('/')).text()).toBe('anonymous');
  });
});
