import { describe, expect, it } from 'vitest';
import { compileTrust } from '../../src/middleware/proxy-headers/trust.js';
import { proxyHeaders, type ProxyTrust } from '../../src/middleware/proxy-headers/index.js';
import { TestClient } from '../../src/testing/index.js';
import { type App } from '../../src/gateway/index.js';
import { serve } from '../server/helpers.js';

const reflect: App = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [
    JSON.stringify({
      addr: environ.REMOTE_ADDR,
      scheme: environ['tsgi.url_scheme'],
      host: environ.HTTP_HOST,
      name: environ.SERVER_NAME,
      port: environ.SERVER_PORT,
      script: environ.SCRIPT_NAME,
    }),
  ];
};

interface Seen {
  addr: string;
  scheme: string;
  host: string;
  name: string;
  port: string;
  script: string;
}

function client(trust: ProxyTrust, peer = '10.0.0.2', header?: 'x-forwarded' | 'forwarded'): TestClient {
  return new TestClient(proxyHeaders(reflect, { trust, ...(header ? { header } : {}) }), { environ: { REMOTE_ADDR: peer } });
}

async function seen(c: TestClient, headers: Record<string, string>): Promise<Seen & { errors: string }> {
  const response = await c.get('/', { headers });
  return { ...response.json<Seen>(), errors: response.errors };
}

describe('proxyHeaders', () => {
  it('takes the client, scheme, host and prefix from a trusted proxy', async () => {
    const result = await seen(client(['10.0.0.0/8']), {
      'X-Forwarded-For': '203.0.113.9',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'Example.COM',
      'X-Forwarded-Prefix': '/shop/',
    });
    expect(result).toMatchObject({ addr: '203.0.113.9', scheme: 'https', host: 'Example.COM', name: 'example.com', port: '443', script: '/shop' });
  });

  it('ignores everything from an untrusted peer', async () => {
    const result = await seen(client(['192.168.0.0/16']), { 'X-Forwarded-For': '1.2.3.4', 'X-Forwarded-Proto': 'https' });
    expect(result).toMatchObject({ addr: '10.0.0.2', scheme: 'http', script: '' });
  });

  it('walks right to left and stops at the first untrusted hop', async () => {
    // The client forged "6.6.6.6"; the trusted proxies appended the rest.
    const result = await seen(client(['10.0.0.0/8']), { 'X-Forwarded-For': '6.6.6.6, 198.51.100.4, 10.1.1.1' });
    expect(result.addr).toBe('198.51.100.4');
    expect((await seen(client(1), { 'X-Forwarded-For': '6.6.6.6, 198.51.100.4, 10.1.1.1' })).addr).toBe('10.1.1.1');
    expect((await seen(client(2), { 'X-Forwarded-For': '6.6.6.6, 198.51.100.4, 10.1.1.1' })).addr).toBe('198.51.100.4');
    const byFunction = client((address) => address.startsWith('10.'));
    expect((await seen(byFunction, { 'X-Forwarded-For': '6.6.6.6, 10.9.9.9' })).addr).toBe('6.6.6.6');
  });

  it('aligns per-hop proto lists with the trusted depth', async () => {
    const result = await seen(client(['10.0.0.0/8']), { 'X-Forwarded-For': '203.0.113.9, 10.1.1.1', 'X-Forwarded-Proto': 'https, http' });
    expect(result).toMatchObject({ addr: '203.0.113.9', scheme: 'https' });
  });

  it('reads RFC 7239 Forwarded, with IPv6 and ports, when told to', async () => {
    const c = client(['10.0.0.0/8'], '10.0.0.2', 'forwarded');
    const result = await seen(c, {
      Forwarded: 'for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711";proto=https;host="shop.example:8443"',
    });
    expect(result).toMatchObject({ addr: '2001:db8:cafe::17', scheme: 'https', host: 'shop.example:8443', port: '8443' });
    // Trusting the IPv6 proxy too reaches the hop before it.
    const deeper = client(['10.0.0.0/8', '2001:db8::/32'], '10.0.0.2', 'forwarded');
    expect(await seen(deeper, { Forwarded: 'for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711";proto=https' })).toMatchObject({
      addr: '192.0.2.60',
      scheme: 'http',
    });
    // The other family of headers is not read in this mode.
    expect((await seen(c, { 'X-Forwarded-For': '1.2.3.4' })).addr).toBe('10.0.0.2');
    // Obfuscated identifiers stop the walk at the proxy.
    expect((await seen(c, { Forwarded: 'for=_hidden;proto=https' })).addr).toBe('10.0.0.2');
    const broken = await seen(c, { Forwarded: 'for="unterminated' });
    expect(broken.addr).toBe('10.0.0.2');
    expect(broken.errors).toContain('does not parse');
  });

  it.each([
    '//evil.example',
    '/\\evil.example',
    '/a/../b',
    '/./a',
    'https://evil.example',
    'evil',
    '/a%00b',
    '/a%2F%2Fb',
    '/%2e%2e',
    '/a\u0001b',
    '/a?b',
  ])('refuses the prefix %j with a warning', async (prefix) => {
    const result = await seen(client(['10.0.0.0/8']), { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Prefix': prefix }).catch(() => undefined);
    if (result === undefined) return; // the test client itself refuses a header it cannot send
    expect(result.script).toBe('');
    expect(result.addr).toBe('203.0.113.9');
    expect(result.errors).toContain('not a clean path');
  });

  it.each([
    ['X-Forwarded-For', 'not-an-ip, also bad'],
    ['X-Forwarded-For', '1.2.3.4.5'],
    ['X-Forwarded-Proto', 'gopher'],
    ['X-Forwarded-Host', 'evil.example/path'],
    ['X-Forwarded-Host', 'a b'],
    ['X-Forwarded-For', ','.repeat(10_000)],
  ])('survives %s: %j', async (name, value) => {
    const result = await seen(client(['10.0.0.0/8']), { [name]: value });
    expect(result.script).toBe('');
    expect(['10.0.0.2']).toContain(result.addr);
    expect(result.scheme).toBe('http');
  });

  it('understands loopback shorthand and IPv4-mapped addresses', () => {
    const trusted = compileTrust(['loopback']);
    expect(trusted('127.0.0.1', 0)).toBe(true);
    expect(trusted('::1', 0)).toBe(true);
    expect(trusted('::ffff:127.0.0.1', 0)).toBe(true);
    expect(trusted('10.0.0.1', 0)).toBe(false);
    expect(() => compileTrust(['not an address'])).toThrow(TypeError);
    expect(() => compileTrust(['10.0.0.0/40'])).toThrow(TypeError);
    expect(() => compileTrust(-1)).toThrow(TypeError);
  });

  describe('over a real server with fetch (the peer is 127.0.0.1)', () => {
    const spoofed = { 'X-Forwarded-For': '203.0.113.50', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'www.example', 'X-Forwarded-Prefix': '/app' };

    it('believes the headers when the trust list includes the peer', async () => {
      for (const trust of [['loopback'], ['127.0.0.1'], ['127.0.0.0/8']]) {
        const { url } = await serve(proxyHeaders(reflect, { trust }));
        const body = (await (await fetch(url, { headers: spoofed })).json()) as Seen;
        expect(body).toMatchObject({ addr: '203.0.113.50', scheme: 'https', host: 'www.example', port: '443', script: '/app' });
      }
    });

    it('ignores them when it does not', async () => {
      const { url, port } = await serve(proxyHeaders(reflect, { trust: ['10.0.0.0/8', '::1'] }));
      const body = (await (await fetch(url, { headers: spoofed })).json()) as Seen;
      expect(body).toMatchObject({ addr: '127.0.0.1', scheme: 'http', host: `127.0.0.1:${port}`, script: '' });
    });

    it('never lets an open-redirect prefix through', async () => {
      const { url, errors } = await serve(proxyHeaders(reflect, { trust: ['loopback'] }));
      const body = (await (await fetch(url, { headers: { 'X-Forwarded-Prefix': '//evil.example' } })).json()) as Seen;
      expect(body.script).toBe('');
      expect(errors.text).toContain('not a clean path');
    });
  });
});
