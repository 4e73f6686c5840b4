import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, LOGIN_LIMIT_DEFAULTS, loginLimitFromEnv, protectedApp } from '../../examples/protected/app.js';
import { site } from '../../examples/site.js';
import { TestClient } from '../../src/testing/index.js';
import { serve } from '../server/helpers.js';
import { curl, parseCurl } from '../middleware/support.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** One GET with fetch (keep-alive, from 127.0.0.1), its body read. */
async function attempt(url: string, password: string): Promise<Response> {
  const response = await fetch(url, { headers: { Authorization: basic('ada', password) } });
  await response.text();
  return response;
}

describe('protected example', () => {
  it('asks for credentials, then greets the user by name (escaped)', async () => {
    const client = new TestClient(protectedApp('<ada>', 'pw'));
    const challenge = await client.get('/');
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('WWW-Authenticate')).toBe('Basic realm="tsgi private demo", charset="UTF-8"');
    const page = await client.get('/', { headers: { Authorization: basic('<ada>', 'pw') } });
    expect(page.text()).toContain('<h1>Hello, &lt;ada&gt;!</h1>');
  });

  it('is mounted at /private by npm start with the demo account', async () => {
    const { url } = await serve(site);
    const denied = parseCurl((await curl(['-i', `${url}private/`])).stdout);
    expect(denied.status).toBe(401);
    const granted = parseCurl((await curl(['-i', '-u', `${DEMO_DEFAULTS.user}:${DEMO_DEFAULTS.password}`, `${url}private/`])).stdout);
    expect(granted.status).toBe(200);
    expect(granted.body).toContain(`Hello, ${DEMO_DEFAULTS.user}!`);
    const wrong = parseCurl((await curl(['-i', '-u', `${DEMO_DEFAULTS.user}:nope`, `${url}private/`])).stdout);
    expect(wrong.status).toBe(401);
    expect(wrong.headers['ratelimit-policy']).toBe('"login";q=5;w=60');
    expect(wrong.headers.ratelimit).toMatch(/^"login";r=[0-4];t=\d+$/);
  });

  it('300 wrong passwords over a socket: the first 5 get 401, the rest 429 with Retry-After; another client still logs in', async () => {
    const { url } = await serve(protectedApp('ada', 'right'));
    const started = performance.now();
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const response = await attempt(url, `guess-${i}`);
      statuses.push(response.status);
      if (response.status === 429) {
        const retryAfter = Number(response.headers.get('Retry-After'));
        expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 120).toBe(true);
        expect(response.headers.get('RateLimit')).toBe(`"login";r=0;t=${retryAfter}`);
      }
    }
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(statuses.slice(0, LOGIN_LIMIT_DEFAULTS.limit)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(LOGIN_LIMIT_DEFAULTS.limit).every((status) => status === 429)).toBe(true);
    // While locked out, this client's right password waits too: every attempt is refused unread.
    expect((await attempt(url, 'right')).status).toBe(429);
    // Another client (another source address) is not affected.
    const other = parseCurl((await curl(['-i', '--interface', '127.0.0.2', '-u', 'ada:right', url])).stdout);
    expect(other.status).toBe(200);
    expect(other.body).toContain('Hello, ada!');
    expect(other.headers.ratelimit).toBe('"login";r=5;t=0');
  });

  it('a correct password costs nothing, a visit without credentials neither, and after the window the client may try again', async () => {
    const { url } = await serve(protectedApp('ada', 'right', { limit: 3, windowMs: 1000 }));
    for (let i = 0; i < 10; i++) expect((await attempt(url, 'right')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await fetch(url)).status).toBe(401); // the browser's first, promptless visit
    const statuses = [];
    let retryAfter = 0;
    for (let i = 0; i < 4; i++) {
      const response = await attempt(url, `guess-${i}`);
      statuses.push(response.status);
      if (response.status === 429) retryAfter = Number(response.headers.get('Retry-After'));
    }
    // The window may have slid on between the guesses; a fourth 401 is then fair, a fifth could not be.
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(3);
    if (retryAfter === 0) {
      const refused = await attempt(url, 'guess-more');
      expect(refused.status).toBe(429);
      retryAfter = Number(refused.headers.get('Retry-After'));
    }
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2); // the sliding counter: at most two windows
    await sleep(retryAfter * 1000 + 50);
    expect((await attempt(url, 'right')).status).toBe(200);
    expect((await attempt(url, 'guess-again')).status).toBe(401);
  });

  it('reads the login limit from LOGIN_LIMIT and LOGIN_WINDOW_MS', () => {
    expect(loginLimitFromEnv({})).toEqual(LOGIN_LIMIT_DEFAULTS);
    expect(loginLimitFromEnv({ LOGIN_LIMIT: '3', LOGIN_WINDOW_MS: '1000' })).toEqual({ limit: 3, windowMs: 1000 });
    expect(() => loginLimitFromEnv({ LOGIN_LIMIT: '0' })).toThrow(/LOGIN_LIMIT must be a positive integer/);
    expect(() => loginLimitFromEnv({ LOGIN_WINDOW_MS: '1e3' })).toThrow(/LOGIN_WINDOW_MS/);
  });
});
