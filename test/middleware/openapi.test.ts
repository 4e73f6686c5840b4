import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { App, MemoryErrors } from '../../src/gateway/index.js';
import { openapiDocs, type OpenApiDocument } from '../../src/middleware/openapi/index.js';
import { securityHeaders } from '../../src/middleware/security-headers/index.js';
import { urlMap } from '../../src/middleware/url-map/index.js';
import { serve } from '../server/helpers.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { BOOKSHOP_OPERATIONS, bookshopDocument } from '../support/openapi-documents.js';
import { redoclyLint, removeTempDirs, validateSchema } from '../support/openapi-tools.js';
import { curl, parseCurl } from './support.js';

afterAll(removeTempDirs);

const UI_VERSION = (JSON.parse(readFileSync(new URL('../../node_modules/swagger-ui-dist/package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Serves `app` on 127.0.0.1; `url` is the origin, without a trailing slash. */
async function start(app: App): Promise<{ url: string; errors: MemoryErrors }> {
  const served = await serve(app);
  return { url: served.url.replace(/\/$/, ''), errors: served.errors };
}

/** The app behind the docs: says which request reached it. */
const booksApp: App = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [`app: ${environ.REQUEST_METHOD} ${environ.SCRIPT_NAME}|${environ.PATH_INFO}`];
};

describe('openapiDocs over HTTP', () => {
  it('serves the document as application/json with a strong ETag, 304 on a match, and HEAD without a body', async () => {
    const { url } = await start(openapiDocs(booksApp, { document: bookshopDocument() }));
    const response = await fetch(`${url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual(bookshopDocument());
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));

    const revalidated = await fetch(`${url}/openapi.json`, { headers: { 'If-None-Match': `W/${etag!}, "other"` } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(etag);
    expect(await revalidated.text()).toBe('');
    expect((await fetch(`${url}/openapi.json`, { headers: { 'If-None-Match': '"stale"' } })).status).toBe(200);

    const head = parseCurl((await curl(['--include', '--head', `${url}/openapi.json`])).stdout);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(head.headers.etag).toBe(etag);
    expect(head.body).toBe('');
  });

  it('passes every other request to the app, and refuses other methods on its own paths', async () => {
    const { url } = await start(openapiDocs(booksApp, { document: bookshopDocument() }));
    expect(await (await fetch(`${url}/books`)).text()).toBe('app: GET |/books');
    const posted = await fetch(`${url}/openapi.json`, { method: 'POST', body: '{}' });
    expect(posted.status).toBe(405);
    expect(await posted.text()).toBe('Method Not Allowed: POST (allowed: GET, HEAD)\n');
    const refused = await fetch(`${url}/docs`, { method: 'DELETE' });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('allow')).toBe('GET, HEAD');
    expect(await (await fetch(`${url}/books`, { method: 'POST', body: '{}' })).text()).toBe('app: POST |/books');
    // Below the page, only the package's files and the start-up script are this layer's.
    expect(await (await fetch(`${url}/docs/elsewhere`)).text()).toBe('app: GET |/docs/elsewhere');
    expect(await (await fetch(`${url}/docs/swagger-ui-dist@${UI_VERSION}/package.json`)).text()).toBe(`app: GET |/docs/swagger-ui-dist@${UI_VERSION}/package.json`);
    expect(await (await fetch(`${url}/openapi.json/`)).text()).toBe('app: GET |/openapi.json/');
  });

  it('serves a valid document that the independent checkers accept as it arrives over HTTP', async () => {
    const { url } = await start(openapiDocs(booksApp, { document: bookshopDocument() }));
    const served = (await (await fetch(`${url}/openapi.json`)).json()) as object;
    expect(await validateSchema(served)).toEqual({ valid: true, version: '3.1', errors: [] });
    expect(await redoclyLint(served)).toEqual([]);
  });

  it('builds a lazy document at the first request, once, and retries one that failed', async () => {
    let builds = 0;
    let fail = true;
    const app = openapiDocs(booksApp, {
      reference: false,
      document: async () => {
        builds++;
        if (fail) throw new Error('the schema file is not there yet');
        return bookshopDocument();
      },
    });
    const { url, errors } = await start(app);
    expect(builds).toBe(0);
    const failed = await fetch(`${url}/openapi.json`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('Internal Server Error: the OpenAPI document could not be built.\n');
    expect(errors.text).toContain('the schema file is not there yet');
    fail = false;
    for (let i = 0; i < 3; i++) expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
    expect(builds).toBe(2);
    // With the page off, its path is the app's.
    expect(await (await fetch(`${url}/docs`)).text()).toBe('app: GET |/docs');
  });

  it('under a mount point, links the page to its files and the document through SCRIPT_NAME', async () => {
    const { url } = await start(urlMap({ '/api': openapiDocs(booksApp, { document: bookshopDocument(), title: 'Bookshop <API>' }), '/': booksApp }));
    expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
    expect(await (await fetch(`${url}/openapi.json`)).text()).toBe('app: GET |/openapi.json');
    expect((await fetch(`${url}/api/openapi.json`)).headers.get('content-type')).toBe('application/json');

    const page = await fetch(`${url}/api/docs`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<title>Bookshop &lt;API&gt;</title>');
    expect(html).toContain('data-document="/api/openapi.json"');
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources).toEqual([
      `/api/docs/swagger-ui-dist@${UI_VERSION}/swagger-ui.css`,
      `/api/docs/swagger-ui-dist@${UI_VERSION}/favicon-32x32.png`,
      `/api/docs/swagger-ui-dist@${UI_VERSION}/swagger-ui-bundle.js`,
      '/api/docs/tsgi-start.js',
    ]);
    for (const source of sources) {
      const file = await fetch(`${url}${source}`);
      expect(file.status, source).toBe(200);
      expect(file.headers.get('cache-control'), source).toBe(source.includes('@') ? 'public, max-age=31536000, immutable' : 'no-cache');
      expect((await file.arrayBuffer()).byteLength, source).toBeGreaterThan(100);
    }
    const bundle = await fetch(`${url}/api/docs/swagger-ui-dist@${UI_VERSION}/swagger-ui-bundle.js`);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await bundle.text()).toBe(readFileSync(new URL('../../node_modules/swagger-ui-dist/swagger-ui-bundle.js', import.meta.url), 'utf8'));
    expect((await fetch(`${url}/api/docs/`)).status).toBe(200);
  });
});

describe('openapiDocs at startup', () => {
  it('names npm install swagger-ui-dist when the package cannot be found, unless the page is off', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tsgi-no-ui-'));
    try {
      expect(() => openapiDocs(booksApp, { document: bookshopDocument(), resolveFrom: empty })).toThrow(
        /the reference page is built from the swagger-ui-dist package, which is not installed: run `npm install swagger-ui-dist`, or pass reference: false/,
      );
      expect(() => openapiDocs(booksApp, { document: bookshopDocument(), resolveFrom: empty, reference: false })).not.toThrow();
      // The same lookup from the project finds the installed copy.
      expect(() => openapiDocs(booksApp, { document: bookshopDocument(), resolveFrom: process.cwd() })).not.toThrow();
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses a document that is not OpenAPI 3.x JSON, and paths that are not paths', () => {
    const swagger2 = { swagger: '2.0', info: { title: 'Old', version: '1' } } as unknown as OpenApiDocument;
    expect(() => openapiDocs(booksApp, { document: swagger2 })).toThrow(/has openapi: undefined; an OpenAPI 3\.x document starts with openapi: '3\.1\.0'/);
    const cyclic = { ...bookshopDocument(), components: {} as Record<string, unknown> };
    cyclic.components.self = cyclic;
    expect(() => openapiDocs(booksApp, { document: cyclic })).toThrow(/cannot be serialised as JSON .*cycle/s);
    expect(() => openapiDocs(booksApp, { document: bookshopDocument(), path: 'openapi.json' })).toThrow(/path "openapi.json" must be a path below the mount point/);
    expect(() => openapiDocs(booksApp, { document: bookshopDocument(), path: '/x', reference: '/x/' })).toThrow(/path and reference are both "\/x"/);
  });
});

describe.runIf(chromiumAvailable())('openapiDocs reference page in Chromium', () => {
  it('renders every operation of the document, mounted under a prefix, with no request leaving the server', async () => {
    // A strict policy: scripts from the page's origin only, so an inline or
    // foreign script would be refused and the page would stay empty.
    const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";
    const site = securityHeaders(urlMap({ '/api': openapiDocs(booksApp, { document: bookshopDocument() }) }), { contentSecurityPolicy: csp });
    const { url } = await start(site);
    const { browser, close } = await launchChromium();
    try {
      const context = await browser.newContext();
      const requests: string[] = [];
      context.on('request', (request) => requests.push(request.url()));
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${url}/api/docs`);
      await page.locator('.opblock').nth(BOOKSHOP_OPERATIONS.length - 1).waitFor({ timeout: 20_000 });

      const rendered = await page.locator('.opblock').evaluateAll((blocks) =>
        blocks.map((block) => {
          const method = block.querySelector('.opblock-summary-method')?.textContent ?? '';
          const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
          return `${method} ${path}`;
        }),
      );
      expect(rendered.sort()).toEqual([...BOOKSHOP_OPERATIONS].sort());
      for (const operation of BOOKSHOP_OPERATIONS) {
        const [method, path] = operation.split(' ') as [string, string];
        const block = page.locator(`.opblock-${method.toLowerCase()}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
        expect(await block.count(), operation).toBe(1);
        expect(await block.locator('.opblock-summary-method').isVisible(), operation).toBe(true);
        expect(await block.locator('.opblock-summary-method').textContent(), operation).toBe(method);
        expect(await block.locator('.opblock-summary-path').isVisible(), operation).toBe(true);
      }
      await expect(page.title()).resolves.toBe('Bookshop');
      expect(await page.locator('.info .title').textContent()).toContain('Bookshop');

      const origin = new URL(url).origin;
      const foreign = requests.filter((request) => !request.startsWith(`${origin}/`) && !request.startsWith('data:'));
      expect(foreign).toEqual([]);
      expect(requests).toContain(`${origin}/api/openapi.json`);
      expect(requests).toContain(`${origin}/api/docs/swagger-ui-dist@${UI_VERSION}/swagger-ui-bundle.js`);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);
});
