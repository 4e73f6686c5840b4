import { describe, expect, it } from 'vitest';
import { cors } from '../../src/middleware/cors/index.js';
import { TestClient } from '../../src/testing/index.js';
import { type App } from '../../src/gateway/index.js';
import { serve } from '../server/helpers.js';
import { curl, parseCurl } from './support.js';

function counted(): { app: App; calls: () => number } {
  let calls = 0;
  const app: App = (_environ, startResponse) => {
    calls++;
    startResponse('200 OK', [
      ['Content-Type', 'application/json'],
      ['ETag', '"v1"'],
      ['Vary', 'Accept'],
    ]);
    return ['{"ok":true}'];
  };
  return { app, calls: () => calls };
}

const ALLOWED = 'https://app.test';
const preflight = (origin: string, method = 'PUT', headers = 'content-type') => ({
  Origin: origin,
  'Access-Control-Request-Method': method,
  'Access-Control-Request-Headers': headers,
});

describe('cors', () => {
  const { app, calls } = counted();
  const client = new TestClient(
    cors(app, { origins: [ALLOWED], methods: ['GET', 'PUT'], headers: ['Content-Type'], exposeHeaders: ['ETag'], maxAge: 600 }),
  );

  it('answers an allowed preflight itself with 204 and exact headers', async () => {
    const before = calls();
    const response = await client.options('/api', { headers: preflight(ALLOWED) });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ALLOWED);
    expect(response.headers.get('Access-Control-Allow-Methods')).toBe('GET, PUT');
    expect(response.headers.get('Access-Control-Allow-Headers')).toBe('Content-Type');
    expect(response.headers.get('Access-Control-Max-Age')).toBe('600');
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBeUndefined();
    expect(response.headers.get('Vary')).toBe('Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    expect(response.text()).toBe('');
    expect(calls()).toBe(before);
  });

  it('answers a disallowed preflight with 204 and no CORS headers', async () => {
    const response = await client.options('/api', { headers: preflight('https://evil.test') });
    expect(response.status).toBe(204);
    expect([...response.headers].map(([name]) => name).filter((name) => name.toLowerCase().startsWith('access-control-'))).toEqual([]);
    expect(response.headers.get('Vary')).toContain('Origin');
  });

  it('gives an allowed actual request the origin, exposed headers and Vary: Origin', async () => {
    const response = await client.put('/api', { headers: { Origin: ALLOWED }, json: {} });
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ALLOWED);
    expect(response.headers.get('Access-Control-Expose-Headers')).toBe('ETag');
    expect(response.headers.get('Vary')).toBe('Accept, Origin');
  });

  it('gives a disallowed origin, and a request without Origin, no CORS headers but Vary: Origin', async () => {
    for (const headers of [{ Origin: 'https://evil.test' }, {}] as Record<string, string>[]) {
      const response = await client.get('/api', { headers });
      expect(response.status).toBe(200);
      expect([...response.headers].map(([name]) => name).filter((name) => name.toLowerCase().startsWith('access-control-'))).toEqual([]);
      expect(response.headers.get('Vary')).toBe('Accept, Origin');
    }
  });

  it('passes an OPTIONS that is no preflight to the app', async () => {
    const before = calls();
    await client.options('/api', { headers: { Origin: ALLOWED } });
    expect(calls()).toBe(before + 1);
  });

  it("answers '*' without credentials, and the origin itself with them", async () => {
    const open = new TestClient(cors(app, { origins: '*' }));
    const anyone = await open.get('/', { headers: { Origin: 'https://who.test' } });
    expect(anyone.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(anyone.headers.get('Vary')).toBe('Accept');
    const credentialed = new TestClient(cors(app, { origins: '*', credentials: true }));
    const named = await credentialed.options('/', { headers: preflight('https://who.test', 'POST') });
    expect(named.headers.get('Access-Control-Allow-Origin')).toBe('https://who.test');
    expect(named.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    expect(named.headers.get('Access-Control-Allow-Methods')).toBe('GET, HEAD, POST');
  });

  it('asks a function, per request', async () => {
    const picky = new TestClient(cors(app, { origins: (origin, environ) => origin.endsWith('.good.test') && environ.PATH_INFO === '/open' }));
    expect((await picky.get('/open', { headers: { Origin: 'https://a.good.test' } })).headers.get('Access-Control-Allow-Origin')).toBe('https://a.good.test');
    expect((await picky.get('/shut', { headers: { Origin: 'https://a.good.test' } })).headers.get('Access-Control-Allow-Origin')).toBeUndefined();
  });

  it('keeps the CORS headers of an app that sets its own', async () => {
    const own: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['Access-Control-Allow-Origin', 'https://mine.test']]);
      return [];
    };
    const response = await new TestClient(cors(own, { origins: [ALLOWED] })).get('/', { headers: { Origin: ALLOWED } });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://mine.test');
  });

  it('refuses malformed options when built', () => {
    expect(() => cors(app, { origins: ['https://app.test/'] })).toThrow(/scheme:\/\/host/);
    expect(() => cors(app, { origins: ['app.test'] })).toThrow(/scheme:\/\/host/);
    expect(() => cors(app, { origins: [ALLOWED], methods: ['GET PUT'] })).toThrow(/HTTP token/);
    expect(() => cors(app, { origins: [ALLOWED], maxAge: 1.5 })).toThrow(/maxAge/);
  });

  it('answers a preflight over a real socket', async () => {
    const { url } = await serve(cors(app, { origins: [ALLOWED], methods: ['PUT'], headers: ['Content-Type'] }));
    const args = ['-i', '-X', 'OPTIONS', '-H', `Origin: ${ALLOWED}`, '-H', 'Access-Control-Request-Method: PUT', `${url}api`];
    const { status, headers, body } = parseCurl((await curl(args)).stdout);
    expect(status).toBe(204);
    expect(headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(headers['access-control-allow-methods']).toBe('PUT');
    expect(body).toBe('');
  });
});
