import { describe, expect, it } from 'vitest';
import { site } from '../../examples/site.js';
import { TestClient } from '../../src/testing/index.js';

describe('npm start site', () => {
  const client = new TestClient(site);

  it('links every example from the index page', async () => {
    const response = await client.get('/');
    expect(response.status).toBe(200);
    expect(response.text()).toContain('<a href="/hello/">hello</a>');
    expect(response.text()).toContain('<a href="/guess/">guess</a>');
  });

  it('mounts hello and guess under their prefixes', async () => {
    expect((await client.get('/hello/')).text()).toBe('Hello world!\n');
    const guess = await client.get('/guess/');
    expect(guess.text()).toContain('Guess the number');
    const posted = await client.post('/guess/', { form: { myparam: 'x' } });
    expect(posted.status).toBe(422);
  });

  it('answers 404 for paths nothing serves', async () => {
    expect((await client.get('/nope')).status).toBe(404);
    expect((await client.get('/helloworld')).status).toBe(404);
  });
});
