import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, protectedApp } from '../../examples/protected/app.js';
import { site } from '../../examples/site.js';
import { TestClient } from '../../src/index.js';
import { serve } from '../server/helpers.js';
import { curl, parseCurl } from '../middleware/support.js';

describe('protected example', () => {
  it('asks for credentials, then greets the user by name (escaped)', async () => {
    const client = new TestClient(protectedApp('<ada>', 'pw'));
    const challenge = await client.get('/');
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('WWW-Authenticate')).toBe('Basic realm="tsgi private demo", charset="UTF-8"');
    const page = await client.get('/', { headers: { Authorization: `Basic ${Buffer.from('<ada>:pw').toString('base64')}` } });
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
  });
});
