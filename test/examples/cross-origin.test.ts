/**
 * The security middleware as the examples serve it, over real sockets: the
 * site's pages carry the security headers, forms posted from another origin
 * are refused (in Chromium too), and CORS lets only allowed origins read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Game } from '../../examples/guess/game.js';
import { GuessHandler, guessApp } from '../../examples/guess/app.js';
import { cors } from '../../src/middleware/cors/index.js';
import { csrf } from '../../src/middleware/csrf/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { securityHeaders } from '../../src/middleware/security-headers/index.js';
import { type App } from '../../src/gateway/index.js';
import { curl, parseCurl } from '../middleware/support.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';

/** A plain server standing for another origin: serves the given pages. */
async function otherOrigin(pages: Record<string, string>): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const page = pages[request.url ?? ''];
    response.writeHead(page === undefined ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(page ?? 'not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The tsgi servers this file starts, closed after all its tests. */
const started: TsgiServer[] = [];

/** Serves `app` on 127.0.0.1 at an ephemeral port, for the whole file. */
async function start(app: App): Promise<{ url: string }> {
  const server = makeServer('127.0.0.1', 0, app, { log: null, closeTimeout: 2_000 });
  started.push(server);
  return { url: (await server.listen()).url };
}

// The site's blog and uploads write below a temporary directory: set
// before their modules are first imported (each test file gets its own).
const dataDir = mkdtempSync(join(tmpdir(), 'tsgi-cross-origin-'));
process.env.BLOG_DIR = join(dataDir, 'blog');
process.env.UPLOAD_DIR = join(dataDir, 'uploads');
process.env.SESSION_SECRET ??= 'cross-origin-test-secret-of-32-characters';
const { site } = await import('../../examples/site.js');
const { uploadApp } = await import('../../examples/upload/app.js');

afterAll(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

/** Records the status of every response of `app`. */
function recorded(app: App): { app: App; statuses: string[] } {
  const statuses: string[] = [];
  return {
    statuses,
    app: (environ, startResponse) =>
      app(environ, (status, headers, excInfo) => {
        statuses.push(`${environ.REQUEST_METHOD} ${status}`);
        return startResponse(status, headers, excInfo);
      }),
  };
}

describe('the examples site over a socket', () => {
  let served: { url: string };

  beforeAll(async () => {
    served = await start(site);
  });

  it.each(['/', '/hello/', '/guess/', '/upload/', '/session/', '/blog/', '/nope'])('sends the security headers with %s', async (path) => {
    const { headers } = parseCurl((await curl(['-i', `${served.url.replace(/\/$/, '')}${path}`])).stdout);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['content-security-policy']).toBe("frame-ancestors 'self'");
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['strict-transport-security']).toBeUndefined();
  });

  it.each(['/guess/', '/upload/'])('refuses a form posted to %s from another origin, and takes one from its own', async (path) => {
    const url = `${served.url.replace(/\/$/, '')}${path}`;
    const evil = parseCurl((await curl(['-i', '-H', 'Origin: http://evil.test', '-H', 'Sec-Fetch-Site: cross-site', '-d', 'myparam=5', url])).stdout);
    expect(evil.status).toBe(403);
    expect(evil.body).toBe('cross-origin POST refused: Origin http://evil.test is not allowed (Sec-Fetch-Site: cross-site)\n');
    const own = parseCurl((await curl(['-i', '-H', `Origin: ${served.url.replace(/\/$/, '')}`, '-H', 'Sec-Fetch-Site: same-origin', '-d', 'myparam=5', url])).stdout);
    // The game judges the guess; the upload page wants multipart (415).
    expect(own.status).not.toBe(403);
  });

  it('serves the guess and upload examples with csrf in front', () => {
    expect(guessApp.name).toBe('csrfProtected');
    expect(uploadApp.name).toBe('csrfProtected');
  });
});

describe.runIf(chromiumAvailable())('in Chromium, from another origin', () => {
  let draws = 0;
  class CountedGuess extends GuessHandler {
    // A correct guess draws a new secret: the count shows whether a guess ran.
    static override game = new Game(() => {
      draws++;
      return 42;
    });
  }
  const game = recorded(securityHeaders(csrf(CountedGuess)));
  let api: ReturnType<typeof recorded>;
  let gameServer: { url: string };
  let apiServer: { url: string };
  let allowed: { server: Server; port: number };
  let refused: { server: Server; port: number };
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    gameServer = await start(game.app);
    const target = gameServer.url;
    const attack = `<!DOCTYPE html><title>prize</title>
<form method="post" action="${target}"><input name="myparam" value="42"></form>
<script>document.forms[0].submit()</script>`;
    allowed = await otherOrigin({ '/attack': attack, '/blank': '<!DOCTYPE html><title>blank</title>' });
    refused = await otherOrigin({ '/blank': '<!DOCTYPE html><title>blank</title>' });
    // The API's allowed origin is only known once its port is.
    const allowedOrigin = `http://localhost:${allowed.port}`;
    api = recorded(
      cors(
        ((_environ, startResponse) => {
          startResponse('200 OK', [['Content-Type', 'application/json']]);
          return ['{"stored":true}'];
        }) satisfies App,
        { origins: [allowedOrigin], methods: ['GET', 'PUT'], headers: ['Content-Type'] },
      ),
    );
    apiServer = await start(api.app);
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([allowed, refused].filter((s) => s !== undefined).map((s) => closeServer(s.server)));
  });

  it('refuses the auto-submitted form with 403 and leaves the game alone', async () => {
    const page = await browser.browser.newPage();
    const before = draws;
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === gameServer.url && r.request().method() === 'POST'),
      page.goto(`http://localhost:${allowed.port}/attack`),
    ]);
    expect(response.status()).toBe(403);
    await page.waitForLoadState();
    expect(await page.textContent('body')).toContain('cross-origin POST refused: Origin http://localhost:');
    expect(draws).toBe(before);
    expect(game.statuses).toContain('POST 403 Forbidden');
    await page.close();
  });

  it('takes the same form on its own origin', async () => {
    const page = await browser.browser.newPage();
    const before = draws;
    await page.goto(gameServer.url);
    await page.fill('#myparam', '42');
    const [response] = await Promise.all([page.waitForNavigation(), page.click('input[type=submit]')]);
    expect(response?.status()).toBe(200);
    expect(await page.textContent('#message')).toContain('You guessed correctly');
    expect(draws).toBe(before + 1);
    await page.close();
  });

  it('refuses a no-cors fetch POST server-side, though the page cannot see the answer', async () => {
    const page = await browser.browser.newPage();
    await page.goto(`http://localhost:${allowed.port}/blank`);
    const before = draws;
    const seen = game.statuses.length;
    const type = await page.evaluate(async (url) => {
      const response = await fetch(url, { method: 'POST', mode: 'no-cors', body: new URLSearchParams({ myparam: '42' }) });
      return response.type;
    }, gameServer.url);
    expect(type).toBe('opaque');
    expect(game.statuses.slice(seen)).toEqual(['POST 403 Forbidden']);
    expect(draws).toBe(before);
    await page.close();
  });

  it('lets an allowed origin PUT JSON and read the answer, after a preflight', async () => {
    const page = await browser.browser.newPage();
    await page.goto(`http://localhost:${allowed.port}/blank`);
    const seen = api.statuses.length;
    const body = await page.evaluate(async (url) => {
      const response = await fetch(url, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return response.text();
    }, `${apiServer.url}api`);
    expect(body).toBe('{"stored":true}');
    expect(api.statuses.slice(seen)).toEqual(['OPTIONS 204 No Content', 'PUT 200 OK']);
    await page.close();
  });

  it('gives a disallowed origin a TypeError, and its PUT never reaches the app', async () => {
    const page = await browser.browser.newPage();
    await page.goto(`http://localhost:${refused.port}/blank`);
    const seen = api.statuses.length;
    const outcome = await page.evaluate(async (url) => {
      try {
        await fetch(url, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
        return 'read';
      } catch (error) {
        return error instanceof TypeError ? 'TypeError' : String(error);
      }
    }, `${apiServer.url}api`);
    expect(outcome).toBe('TypeError');
    expect(api.statuses.slice(seen)).toEqual(['OPTIONS 204 No Content']);
    await page.close();
  });
});
