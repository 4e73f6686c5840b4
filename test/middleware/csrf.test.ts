import { describe, expect, it } from 'vitest';
import { csrf, type CsrfToken } from '../../src/middleware/csrf/index.js';
import { sessions } from '../../src/middleware/session/index.js';
import { TestClient } from '../../src/testing/index.js';
import { type App } from '../../src/gateway/index.js';
import { serve } from '../server/helpers.js';
import { curl, parseCurl } from './support.js';

/** Counts the requests that reached it, so a refusal is seen to stop the app. */
function counted(): { app: App; calls: () => number } {
  let calls = 0;
  const app: App = (environ, startResponse) => {
    calls++;
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [`${environ.REQUEST_METHOD} ran\n`];
  };
  return { app, calls: () => calls };
}

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

describe('csrf: the cross-origin rules', () => {
  const { app, calls } = counted();
  const client = new TestClient(csrf(app, { trustedOrigins: ['https://partner.test'], bypass: ['POST /hooks/', '/ping'] }), {
    baseUrl: 'http://app.test:8080',
  });

  it.each([
    ['GET from another site', 'GET', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.test' }],
    ['HEAD from another site', 'HEAD', { 'Sec-Fetch-Site': 'cross-site' }],
    ['OPTIONS from another site', 'OPTIONS', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.test' }],
    ['POST from the same origin', 'POST', { 'Sec-Fetch-Site': 'same-origin', Origin: 'http://app.test:8080' }],
    ['POST the user started (Sec-Fetch-Site: none)', 'POST', { 'Sec-Fetch-Site': 'none' }],
    ['POST with neither header (curl, scripts)', 'POST', {}],
    ['POST from an old browser on the same host', 'POST', { Origin: 'http://app.test:8080' }],
    ['POST from a trusted origin', 'POST', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://partner.test' }],
    ['PUT from a trusted origin, old browser', 'PUT', { Origin: 'https://PARTNER.test' }],
  ])('lets %s through', async (_case, method, headers) => {
    const before = calls();
    const response = await client.request(method, '/', { headers });
    expect(response.status).toBe(200);
    expect(calls()).toBe(before + 1);
  });

  it.each([
    ['POST from another site', 'POST', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.test' }, 'cross-origin POST refused: Origin https://evil.test is not allowed (Sec-Fetch-Site: cross-site)'],
    ['POST from a sibling subdomain', 'POST', { 'Sec-Fetch-Site': 'same-site', Origin: 'http://other.app.test:8080' }, 'Sec-Fetch-Site: same-site'],
    ['DELETE with Sec-Fetch-Site alone', 'DELETE', { 'Sec-Fetch-Site': 'cross-site' }, 'cross-origin DELETE refused: Sec-Fetch-Site is cross-site'],
    ['POST from an old browser on another host', 'POST', { Origin: 'https://evil.test' }, 'cross-origin POST refused: Origin https://evil.test is not allowed'],
    ['POST from an old browser on another port', 'POST', { Origin: 'http://app.test:9090' }, 'Origin http://app.test:9090 is not allowed'],
    ['POST with Origin: null', 'POST', { Origin: 'null' }, 'Origin null is not allowed'],
    ['PATCH with an unknown Sec-Fetch-Site', 'PATCH', { 'Sec-Fetch-Site': 'bogus' }, 'Sec-Fetch-Site is bogus'],
  ])('refuses %s with 403 and says why, without running the app', async (_case, method, headers, message) => {
    const before = calls();
    const response = await client.request(method, '/', { headers });
    expect(response.status).toBe(403);
    expect(response.text()).toContain(message);
    expect(calls()).toBe(before);
  });

  it('lets bypassed paths through, by method and subtree, but not out of them by dot segments', async () => {
    const evil = { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.test' };
    expect((await client.post('/hooks/github', { headers: evil })).status).toBe(200);
    expect((await client.put('/hooks/github', { headers: evil })).status).toBe(403);
    expect((await client.delete('/ping', { headers: evil })).status).toBe(200);
    expect((await client.post('/ping/x', { headers: evil })).status).toBe(403);
    expect((await client.post('/hooks/../admin', { headers: evil, environ: { PATH_INFO: '/hooks/../admin' } })).status).toBe(403);
  });

  it('answers in the format the client accepts, as every error page', async () => {
    const response = await client.post('/', { headers: { Origin: 'https://evil.test', Accept: 'application/json' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    expect(response.json()).toMatchObject({ status: 403, detail: 'cross-origin POST refused: Origin https://evil.test is not allowed' });
    const html = await client.post('/', { headers: { Origin: 'https://evil.test', Accept: 'text/html' } });
    expect(html.text()).toContain('<h1>403 Forbidden</h1>');
  });

  it('compares the Host header, with or without its default port', async () => {
    const plain = new TestClient(csrf(app), { baseUrl: 'https://site.test' });
    expect((await plain.post('/', { headers: { Origin: 'https://site.test' } })).status).toBe(200);
    expect((await plain.post('/', { headers: { Origin: 'https://site.test', Host: 'site.test:443' } })).status).toBe(200);
    expect((await plain.post('/', { headers: { Origin: 'http://site.test:443' } })).status).toBe(403);
  });

  it('refuses malformed options when built', () => {
    expect(() => csrf(app, { trustedOrigins: ['https://x.test/'] })).toThrow(/scheme:\/\/host/);
    expect(() => csrf(app, { trustedOrigins: ['https://x.test/path'] })).toThrow(/scheme:\/\/host/);
    expect(() => csrf(app, { trustedOrigins: ['x.test'] })).toThrow(/scheme:\/\/host/);
    expect(() => csrf(app, { bypass: ['hooks'] })).toThrow(/bypass rule/);
    expect(() => csrf(app, { tokens: { header: 'bad header' } })).toThrow(/header name/);
  });

  it('refuses over a real socket with the message on one line', async () => {
    const { url } = await serve(csrf(app));
    const refused = parseCurl((await curl(['-i', '-X', 'POST', '-H', 'Origin: https://evil.test', '-d', 'a=1', url])).stdout);
    expect(refused.status).toBe(403);
    expect(refused.body).toBe('cross-origin POST refused: Origin https://evil.test is not allowed\n');
    const own = parseCurl((await curl(['-i', '-X', 'POST', '-H', `Origin: ${url.replace(/\/$/, '')}`, '-d', 'a=1', url])).stdout);
    expect(own.status).toBe(200);
  });
});

describe('csrf: session-bound form tokens', () => {
  const form: App = async (environ, startResponse) => {
    if (environ.REQUEST_METHOD === 'GET') {
      const token = (environ['tsgi.csrf_token'] as CsrfToken)();
      startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
      return [token];
    }
    // The app still reads the whole body the middleware looked into.
    const chunks: Uint8Array[] = [];
    for await (const chunk of environ['tsgi.input']) chunks.push(chunk);
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [`got ${Buffer.concat(chunks).toString('utf8')}`];
  };
  const protectedForm = sessions(csrf(form, { tokens: true }), { secrets: [SECRET] });

  it('accepts the session token from the form field and hands the app the whole body', async () => {
    const client = new TestClient(protectedForm);
    const token = (await client.get('/')).text();
    expect(token).toMatch(/^[\w-]{43}$/);
    const response = await client.post('/', { form: { guess: '5', csrf_token: token } });
    expect(response.status).toBe(200);
    expect(response.text()).toBe(`got guess=5&csrf_token=${token}`);
  });

  it('accepts it from the X-CSRF-Token header, for any body', async () => {
    const client = new TestClient(protectedForm);
    const token = (await client.get('/')).text();
    const response = await client.post('/', { json: { a: 1 }, headers: { 'X-CSRF-Token': token } });
    expect(response.text()).toBe('got {"a":1}');
  });

  it('refuses a missing, wrong or other session\'s token with 403', async () => {
    const client = new TestClient(protectedForm);
    const token = (await client.get('/')).text();
    const missing = await client.post('/', { form: { guess: '5' } });
    expect(missing.status).toBe(403);
    expect(missing.text()).toContain('form token (field csrf_token or its header) is missing');
    const wrong = await client.post('/', { form: { csrf_token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` } });
    expect(wrong.status).toBe(403);
    expect(wrong.text()).toContain('does not match this session');
    const stranger = new TestClient(protectedForm);
    const foreign = await stranger.post('/', { form: { csrf_token: token } });
    expect(foreign.status).toBe(403);
    expect((await client.post('/', { headers: { 'X-CSRF-Token': 'short' } })).status).toBe(403);
  });

  it('stores no session for a page that does not ask for the token', async () => {
    const plain: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['no form here'];
    };
    const client = new TestClient(sessions(csrf(plain, { tokens: true }), { secrets: [SECRET] }));
    const response = await client.get('/');
    expect(response.headers.get('Set-Cookie')).toBeUndefined();
  });

  it('still refuses cross-origin requests that carry a valid token', async () => {
    const client = new TestClient(protectedForm);
    const token = (await client.get('/')).text();
    const response = await client.post('/', { form: { csrf_token: token }, headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(response.status).toBe(403);
  });

  it('answers a form body over the limit with 413', async () => {
    const small = sessions(csrf(form, { tokens: { limit: 16 } }), { secrets: [SECRET] });
    const client = new TestClient(small);
    await client.get('/');
    expect((await client.post('/', { form: { text: 'x'.repeat(100) } })).status).toBe(413);
  });

  it('fails loudly without a session layer', async () => {
    const client = new TestClient(csrf(form, { tokens: true }));
    await expect(client.get('/')).rejects.toThrow(/tokens need a session/);
  });
});
