import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuessHandler } from '../../examples/guess/app.js';
import { Game } from '../../examples/guess/game.js';
import { VisitCounter } from '../../examples/session/app.js';
import { sessionSetupFromEnv } from '../../examples/session/config.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { MemoryStore, sessions } from '../../src/middleware/session/index.js';
import { TestClient } from '../../src/testing/index.js';
import { redisAvailable, startRedis, type RedisProcess } from '../middleware/session/redis-server.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';

const SECRET = 'session example test secret of 32+ characters';
const MAIN = resolve('dist/examples/session/main.js');

describe('session example, in process', () => {
  const app = sessions(VisitCounter, { secrets: [SECRET] });

  it('counts each visitor separately: You have been here 1, 2, 3 times', async () => {
    const ada = new TestClient(app);
    const bob = new TestClient(app);
    for (const n of [1, 2, 3]) {
      const response = await ada.get('/');
      expect(response.status).toBe(200);
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      expect(response.text()).toBe(`You have been here ${n} times!\n`);
    }
    expect((await bob.get('/')).text()).toBe('You have been here 1 times!\n');
  });

  it('does not count HEAD, other paths or other methods', async () => {
    const client = new TestClient(app);
    await client.get('/');
    const head = await client.head('/');
    expect(head.status).toBe(200);
    expect(head.text()).toBe('');
    expect((await client.get('/favicon.ico')).status).toBe(404);
    const post = await client.post('/', { form: { a: '1' } });
    expect(post.status).toBe(405);
    expect(post.headers.get('Allow')).toBe('GET, HEAD');
    expect((await client.get('/')).text()).toBe('You have been here 2 times!\n');
  });

  it('gives a first visit to /favicon.ico no session cookie', async () => {
    const client = new TestClient(app);
    expect((await client.get('/favicon.ico')).headers.getAll('Set-Cookie')).toEqual([]);
  });

  it('says plainly that it needs the middleware', async () => {
    await expect(new TestClient(VisitCounter).get('/')).rejects.toThrow(/needs the sessions middleware/);
  });
});

interface CurlResult {
  stdout: string;
  code: number;
}

function curl(args: string[]): Promise<CurlResult> {
  return new Promise((done) => {
    execFile('curl', ['--silent', '--show-error', '--max-time', '10', ...args], { encoding: 'utf8' }, (error, stdout) => {
      done({ stdout, code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1 });
    });
  });
}

describe('session example with curl and a cookie jar', () => {
  let server: TsgiServer;
  let dir: string;

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, sessions(VisitCounter, { secrets: [SECRET], store: new MemoryStore() }), { log: null });
    await server.listen();
    dir = await mkdtemp(join(tmpdir(), 'tsgi-curl-jar-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the count going 1, 2, 3 with curl -c/-b', async () => {
    const jar = join(dir, 'counting.txt');
    for (const n of [1, 2, 3]) {
      const { stdout, code } = await curl(['-c', jar, '-b', jar, server.url]);
      expect(code).toBe(0);
      expect(stdout).toBe(`You have been here ${n} times!\n`);
    }
    const saved = await readFile(join(dir, 'counting.txt'), 'utf8');
    expect(saved).toMatch(/#HttpOnly_127\.0\.0\.1\tFALSE\t\/\tFALSE\t0\ttsgi_sid\t[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}\n/);
  });

  it('gives a tampered cookie a new session, and the count starts again', async () => {
    const jar = join(dir, 'tampered.txt');
    await curl(['-c', jar, '-b', jar, server.url]);
    await curl(['-c', jar, '-b', jar, server.url]);
    const original = await readFile(jar, 'utf8');
    const value = /tsgi_sid\t(\S+)/.exec(original)![1]!;
    // Change one character of the id, keeping the signature: the HMAC no longer matches.
    const forged = (value[0] === 'A' ? 'B' : 'A') + value.slice(1);
    await writeFile(jar, original.replace(value, forged));
    const { stdout, code } = await curl(['-c', jar, '-b', jar, server.url]);
    expect(code).toBe(0);
    expect(stdout).toBe('You have been here 1 times!\n');
    const replaced = /tsgi_sid\t(\S+)/.exec(await readFile(jar, 'utf8'))![1]!;
    expect(replaced).not.toBe(forged);
    expect(replaced).not.toBe(value);
    expect((await curl(['-c', jar, '-b', jar, server.url])).stdout).toBe('You have been here 2 times!\n');
  });

  it('answers garbage cookies with a new session, never a 500', async () => {
    for (const cookie of ['tsgi_sid=', 'tsgi_sid=%%%', `tsgi_sid=${'x'.repeat(4000)}`, 'tsgi_sid="a.b"; tsgi_sid=c', '=;;=;']) {
      const { stdout, code } = await curl(['-H', `Cookie: ${cookie}`, server.url]);
      expect(code, cookie).toBe(0);
      expect(stdout, cookie).toBe('You have been here 1 times!\n');
    }
  });
});

/** A running `node dist/examples/session/main.js`. */
interface ExampleProcess {
  readonly url: string;
  /** What it wrote to stdout and stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

async function startExample(env: Record<string, string>): Promise<ExampleProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.build.json)`);
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', SESSION_SECRET: SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let log = '';
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the example did not start:\n${log}`)), 10_000);
    const onOutput = (data: Buffer) => {
      log += data.toString();
      const match = /serving .* on (http:\/\/\S+)/.exec(log);
      if (match !== null) {
        clearTimeout(timer);
        done(match[1]!);
      }
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    child.once('exit', () => {
      clearTimeout(timer);
      fail(new Error(`the example exited:\n${log}`));
    });
  });
  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Sends a GET with the cookie, returning the text and the cookie to use next. */
async function visit(url: string, cookie: string | undefined): Promise<{ text: string; cookie: string | undefined }> {
  const response = await fetch(url, { headers: cookie === undefined ? {} : { Cookie: cookie } });
  const setCookie = response.headers.get('set-cookie');
  return { text: await response.text(), cookie: setCookie === null ? cookie : setCookie.split(';')[0] };
}

describe.runIf(redisAvailable())('two example processes sharing a RedisStore', () => {
  let redis: RedisProcess;
  const processes: ExampleProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  }, 20_000);
  afterAll(async () => {
    for (const running of processes) await running.stop();
    await redis?.stop();
  });

  it('counts 1 to 10 without a gap as requests alternate between them', async () => {
    const env = { SESSION_STORE: 'redis', REDIS_URL: redis.url };
    processes.push(...(await Promise.all([startExample(env), startExample(env)])));
    const [one, two] = processes as [ExampleProcess, ExampleProcess];
    expect(one.url).not.toBe(two.url);
    let cookie: string | undefined;
    const seen: string[] = [];
    for (let n = 1; n <= 10; n++) {
      const result = await visit(n % 2 === 1 ? one.url : two.url, cookie);
      cookie = result.cookie;
      seen.push(result.text.trim());
    }
    const logs = `\n--- first process:\n${one.log()}\n--- second process:\n${two.log()}`;
    expect(seen, logs).toEqual(Array.from({ length: 10 }, (_, i) => `You have been here ${i + 1} times!`));
  }, 30_000);
});

describe('session example with SESSION_STORE=file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsgi-session-files-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps counting across a restart of the process', async () => {
    const env = { SESSION_STORE: 'file', SESSION_DIR: dir };
    const first = await startExample(env);
    let cookie: string | undefined;
    try {
      for (const n of [1, 2]) {
        const result = await visit(first.url, cookie);
        cookie = result.cookie;
        expect(result.text).toBe(`You have been here ${n} times!\n`);
      }
    } finally {
      await first.stop();
    }
    const second = await startExample(env);
    try {
      expect((await visit(second.url, cookie)).text).toBe('You have been here 3 times!\n');
    } finally {
      await second.stop();
    }
  }, 30_000);

  it('exits with a message for a short SESSION_SECRET or an unknown store', async () => {
    await expect(startExample({ SESSION_SECRET: 'short' })).rejects.toThrow(/at least 32 characters/);
    expect(() => sessionSetupFromEnv({ SESSION_SECRET: SECRET, SESSION_STORE: 'mongo' })).toThrow(/cookie, memory, file or redis/);
    expect(() => sessionSetupFromEnv({ SESSION_SECRET: SECRET, SESSION_STORE: 'memory', SESSION_MAX: '0' })).toThrow(/SESSION_MAX/);
  });

  it('warns when it makes up a secret, and still serves, from sealed cookies by default', async () => {
    const example = await startExample({ SESSION_SECRET: '' });
    try {
      expect((await visit(example.url, undefined)).text).toBe('You have been here 1 times!\n');
    } finally {
      await example.stop();
    }
    expect(example.log()).toContain('WARNING: SESSION_SECRET is not set');
    expect(example.log()).toContain('sessions sealed in their cookies');
  });

  it('takes several comma-separated secrets, newest first', () => {
    const setup = sessionSetupFromEnv({ SESSION_SECRET: `${SECRET}2, ${SECRET}1` });
    expect(setup.options.secrets).toEqual([`${SECRET}2`, `${SECRET}1`]);
  });
});

describe.runIf(chromiumAvailable())('session example, in Chromium', () => {
  let server: TsgiServer;

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, sessions(VisitCounter, { secrets: [SECRET] }), { log: null });
    await server.listen();
  });
  afterAll(async () => {
    await server.close();
  });

  it('counts up across reloads, and a second browser context starts at 1', async () => {
    const { browser, close } = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(server.url);
      expect(await page.textContent('body')).toContain('You have been here 1 times!');
      for (const n of [2, 3, 4]) {
        await page.reload();
        expect(await page.textContent('body')).toContain(`You have been here ${n} times!`);
      }
      const other = await browser.newContext();
      const otherPage = await other.newPage();
      await otherPage.goto(server.url);
      expect(await otherPage.textContent('body')).toContain('You have been here 1 times!');
      await other.close();
      const cookies = await page.context().cookies();
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatchObject({ name: 'tsgi_sid', httpOnly: true, sameSite: 'Lax', path: '/' });
    } finally {
      await close();
    }
  }, 30_000);
});

describe('session example in the npm start site', () => {
  it('is mounted at /session/, listed on the index, and counts with a site-wide cookie', async () => {
    const { site } = await import('../../examples/site.js');
    const client = new TestClient(site);
    expect((await client.get('/')).text()).toContain('<a href="/session/">session</a>');
    const first = await client.get('/session/');
    expect(first.text()).toBe('You have been here 1 times!\n');
    expect(first.headers.get('Set-Cookie')).toContain('Path=/;');
    expect((await client.get('/session/')).text()).toBe('You have been here 2 times!\n');
    expect((await client.get('/hello/')).headers.getAll('Set-Cookie')).toEqual([]);
  });

  it('gives the guessing game a session there: a first guess starts one', async () => {
    const { site } = await import('../../examples/site.js');
    const client = new TestClient(site);
    const guess = await client.post('/guess/', { form: { myparam: '50' } });
    expect(guess.status).toBe(200);
    expect(guess.headers.get('Set-Cookie')).toMatch(/^tsgi_sid=.*; Path=\/; HttpOnly; SameSite=Lax$/);
  });
});

describe('guessing game with sessions: a secret per visitor', () => {
  /** Secrets drawn in order: the first for the class's shared game, then one per new visitor game. */
  function sequence(...numbers: number[]): () => number {
    return () => numbers.shift() ?? 50;
  }

  it('in process: two visitors get their own secrets', async () => {
    class TwoSecrets extends GuessHandler {
      static override game = new Game(sequence(99, 30, 70));
    }
    const app = sessions(TwoSecrets, { secrets: [SECRET] });
    const ada = new TestClient(app);
    const bob = new TestClient(app);
    expect((await ada.post('/', { form: { myparam: '50' } })).text()).toContain('lower');
    expect((await bob.post('/', { form: { myparam: '50' } })).text()).toContain('higher');
    expect((await ada.post('/', { form: { myparam: '30' } })).text()).toContain('You guessed correctly');
    expect((await bob.post('/', { form: { myparam: '30' } })).text()).toContain('higher');
    expect((await bob.post('/', { form: { myparam: '70' } })).text()).toContain('You guessed correctly');
  });

  it('without sessions, the game stays shared as before', async () => {
    class Shared extends GuessHandler {
      static override game = new Game(sequence(40));
    }
    const ada = new TestClient(Shared);
    const bob = new TestClient(Shared);
    expect((await ada.post('/', { form: { myparam: '50' } })).text()).toContain('lower');
    expect((await bob.post('/', { form: { myparam: '40' } })).text()).toContain('You guessed correctly');
  });

  it('a secret tampered into the session store is ignored rather than trusted', async () => {
    class Fixed extends GuessHandler {
      static override game = new Game(sequence(99, 25, 10));
    }
    const store = new MemoryStore();
    const app = sessions(Fixed, { secrets: [SECRET], store });
    const client = new TestClient(app);
    await client.post('/', { form: { myparam: '50' } });
    const id = client.cookies.get('tsgi_sid')!.split('.')[0]!;
    const now = Date.now();
    await store.set(id, { data: { 'guess.secret': 'not a number' }, created: now, touched: now }, 60_000);
    const response = await client.post('/', { form: { myparam: '50' } });
    expect(response.status).toBe(200);
    expect(response.text()).toContain('lower'); // a fresh secret, 10
  });
});

describe.runIf(chromiumAvailable())('guessing game with sessions, in Chromium', () => {
  let server: TsgiServer;
  class TwoSecrets extends GuessHandler {
    static override game = new Game(((numbers) => () => numbers.shift() ?? 50)([99, 30, 70]));
  }

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, sessions(TwoSecrets, { secrets: [SECRET] }), { log: null });
    await server.listen();
  });
  afterAll(async () => {
    await server.close();
  });

  it('two browser contexts playing at once each have their own secret', async () => {
    const { browser, close } = await launchChromium();
    try {
      const [ada, bob] = await Promise.all([browser.newContext(), browser.newContext()]);
      const [adaPage, bobPage] = await Promise.all([ada.newPage(), bob.newPage()]);
      await Promise.all([adaPage.goto(server.url), bobPage.goto(server.url)]);
      const guess = async (page: typeof adaPage, value: number): Promise<string> => {
        await page.fill('#myparam', String(value));
        await Promise.all([page.waitForNavigation(), page.click('input[type=submit]')]);
        return (await page.textContent('#message')) ?? '';
      };
      expect(await guess(adaPage, 50)).toContain('lower');
      expect(await guess(bobPage, 50)).toContain('higher');
      expect(await guess(adaPage, 30)).toContain('You guessed correctly');
      expect(await guess(bobPage, 30)).toContain('higher');
      expect(await guess(bobPage, 70)).toContain('You guessed correctly');
    } finally {
      await close();
    }
  }, 30_000);
});

describe('session example under a flood of cookieless requests, over a real socket', () => {
  const USERS = 20;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  afterAll(() => agent.destroy());

  /** One GET through the keep-alive agent; resolves to the body and the cookie to send next. */
  function get(url: string, cookie: string | undefined): Promise<{ status: number; text: string; cookie: string | undefined }> {
    return new Promise((resolvePromise, reject) => {
      const req = request(url, { agent, headers: cookie === undefined ? {} : { Cookie: cookie }, timeout: 5000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const setCookie = res.headers['set-cookie']?.[0]?.split(';')[0];
          resolvePromise({ status: res.statusCode ?? 0, text, cookie: setCookie ?? cookie });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  /** `total` cookieless GETs, 16 at a time over kept-alive connections. */
  async function flood(url: string, total: number): Promise<void> {
    let sent = 0;
    const worker = async () => {
      while (sent < total) {
        sent++;
        const answer = await get(url, undefined);
        if (answer.status !== 200) throw new Error(`flood request answered ${answer.status}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  }

  const cases: Array<{ store: string; requests: number; count: (setup: ReturnType<typeof sessionSetupFromEnv>, dir: string) => number }> = [
    // Nothing is kept on the server at all: fewer requests show that as well.
    { store: 'cookie', requests: 2_000, count: () => 0 },
    { store: 'memory', requests: 10_000, count: (setup) => (setup.options.store as MemoryStore).size },
    { store: 'file', requests: 2_000, count: (_setup, dir) => readdirSync(dir).filter((name) => name.endsWith('.json')).length },
  ];

  for (const { store, requests, count } of cases) {
    it(`SESSION_STORE=${store}: ${requests} cookieless requests evict none of ${USERS} users, and store no session`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tsgi-flood-'));
      const setup = sessionSetupFromEnv({ SESSION_SECRET: SECRET, SESSION_STORE: store, SESSION_DIR: dir });
      const server = makeServer('127.0.0.1', 0, sessions(VisitCounter, setup.options), { log: null });
      await server.listen();
      try {
        const users: Array<{ cookie: string | undefined; visits: number }> = [];
        for (let i = 0; i < USERS; i++) {
          let cookie: string | undefined;
          // Between two and four visits each, so every user has a count of their own.
          const visits = 2 + (i % 3);
          for (let n = 1; n <= visits; n++) {
            const answer = await get(server.url, cookie);
            expect(answer.text).toBe(`You have been here ${n} times!\n`);
            cookie = answer.cookie;
          }
          users.push({ cookie, visits });
        }
        const before = count(setup, dir);
        expect(before).toBe(store === 'cookie' ? 0 : USERS);
        await flood(server.url, requests);
        expect(count(setup, dir)).toBe(before);
        for (const user of users) {
          const answer = await get(server.url, user.cookie);
          expect(answer.text).toBe(`You have been here ${user.visits + 1} times!\n`);
        }
      } finally {
        await server.close();
        await setup.close();
        await rm(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
