import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Game } from '../../examples/guess/game.js';
import { GuessHandler } from '../../examples/guess/app.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { TestClient } from '../../src/testing/index.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';

class FixedGuess extends GuessHandler {
  static override game = new Game(() => 42);
}

describe('guess example, in process', () => {
  const client = new TestClient(FixedGuess);

  it('shows the form on GET as a complete HTML document', async () => {
    const response = await client.get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    const html = response.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<form method="post">');
    expect(html).toContain('name="myparam"');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toContain('id="message"');
  });

  it('says higher, lower and correct', async () => {
    expect((await client.post('/', { form: { myparam: '10' } })).text()).toContain('the number is higher than your guess');
    expect((await client.post('/', { form: { myparam: '90' } })).text()).toContain('the number is lower than your guess');
    const correct = await client.post('/', { form: { myparam: '42' } });
    expect(correct.status).toBe(200);
    expect(correct.text()).toContain('You guessed correctly');
  });

  it('draws a new number after a correct guess', async () => {
    const draws = [7, 93];
    class Sequence extends GuessHandler {
      static override game = new Game(() => draws.shift() ?? 50);
    }
    const sequence = new TestClient(Sequence);
    expect((await sequence.post('/', { form: { myparam: '7' } })).text()).toContain('You guessed correctly');
    expect((await sequence.post('/', { form: { myparam: '7' } })).text()).toContain('higher');
  });

  it("answers a missing guess with 400 and You didn't guess", async () => {
    for (const form of [{}, { myparam: '' }, { other: '5' }]) {
      const response = await client.post('/', { form });
      expect(response.status).toBe(400);
      expect(response.text()).toContain('You didn&#39;t guess');
    }
  });

  it('answers a guess that is not a whole number from 1 to 100 with 422 and says why', async () => {
    for (const myparam of ['abc', '1.5', '0', '101', '-3', '1e2', '0x10', '<script>']) {
      const response = await client.post('/', { form: { myparam } });
      expect(response.status, myparam).toBe(422);
      expect(response.text()).toContain('is not a whole number from 1 to 100');
      expect(response.text()).not.toContain('<script>');
    }
  });

  it('answers other methods with 405 and Allow', async () => {
    const response = await client.delete('/');
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET, HEAD, OPTIONS, POST');
  });

  it('reads the guess from a multipart form as well', async () => {
    const form = new FormData();
    form.set('myparam', '42');
    const request = new Request('http://localhost/', { method: 'POST', body: form });
    const response = await client.post('/', {
      body: new Uint8Array(await request.arrayBuffer()),
      headers: { 'Content-Type': request.headers.get('content-type')! },
    });
    expect(response.text()).toContain('You guessed correctly');
  });

  it('answers a non-form body with 415', async () => {
    const response = await client.post('/', { json: { myparam: 42 } });
    expect(response.status).toBe(415);
  });
});

describe.runIf(chromiumAvailable())('guess example, in Chromium', () => {
  let server: TsgiServer;

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, GuessHandler, { log: null });
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
  });

  it('is won by binary search through the real form', async () => {
    const { browser, close } = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(server.url);
      let low = 1;
      let high = 100;
      let message = '';
      for (let attempt = 0; attempt < 8 && !message.includes('You guessed correctly'); attempt++) {
        const guess = Math.floor((low + high) / 2);
        await page.fill('#myparam', String(guess));
        await Promise.all([page.waitForNavigation(), page.click('input[type=submit]')]);
        message = (await page.textContent('#message')) ?? '';
        if (message.includes('higher')) low = guess + 1;
        else if (message.includes('lower')) high = guess - 1;
      }
      expect(message).toContain('You guessed correctly');
    } finally {
      await close();
    }
  });
});
