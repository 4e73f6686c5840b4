/**
 * The generated document served by `openapiDocs` on a real server, in
 * front of the app it describes, and read by Chromium: the reference page
 * shows every operation, and one of them, tried from the page, reaches the
 * app and shows its answer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openapiDocument } from '../../../src/handler/openapi/index.js';
import { openapiDocs } from '../../../src/middleware/openapi/index.js';
import { urlMap } from '../../../src/middleware/url-map/index.js';
import { serve } from '../../server/helpers.js';
import { chromiumAvailable, launchChromium } from '../../support/chromium.js';
import { removeTempDirs } from '../../support/openapi-tools.js';
import { MOUNTS, OPERATIONS, OPTIONS, URL_MAP_MOUNTS } from './tasks-app.js';

afterAll(removeTempDirs);

describe.runIf(chromiumAvailable())('the generated document on the reference page, in Chromium', () => {
  it('lists every operation, and "Try it out" on GET /api/tasks/{id} gets the task from the app', async () => {
    let origin = '';
    // Built at the first request, once the server's port is known, so the
    // document's server is the one the page's requests should go to.
    const app = openapiDocs(urlMap(URL_MAP_MOUNTS), { document: () => openapiDocument(MOUNTS, { ...OPTIONS, servers: [{ url: origin }] }) });
    const served = await serve(app);
    origin = new URL(served.url).origin;
    const { browser, close } = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${origin}/docs`);
      await page.locator('.opblock').nth(OPERATIONS.length - 1).waitFor({ timeout: 20_000 });
      const rendered = await page.locator('.opblock').evaluateAll((blocks) =>
        blocks.map((block) => `${block.querySelector('.opblock-summary-method')?.textContent ?? ''} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''}`),
      );
      expect(rendered.sort()).toEqual([...OPERATIONS].sort());
      for (const operation of OPERATIONS) {
        const [method, path] = operation.split(' ') as [string, string];
        const block = page.locator(`.opblock-${method.toLowerCase()}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
        expect(await block.count(), operation).toBe(1);
        expect(await block.locator('.opblock-summary-path').isVisible(), operation).toBe(true);
      }
      expect(await page.locator('.info .title').textContent()).toContain('Tasks');

      const getTask = page.locator('.opblock-get').filter({ has: page.locator('.opblock-summary-path[data-path="/api/tasks/{id}"]') });
      await getTask.locator('.opblock-summary').first().click();
      await getTask.locator('.try-out__btn').click();
      await getTask.locator('tr[data-param-name="id"] input').fill('1');
      await getTask.locator('button.execute').click();
      const status = getTask.locator('.live-responses-table .response .response-col_status');
      await status.first().waitFor({ timeout: 10_000 });
      expect((await status.first().textContent())?.trim()).toBe('200');
      expect(await getTask.locator('.live-responses-table .response .response-col_description').first().textContent()).toContain('write the docs');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);
});
