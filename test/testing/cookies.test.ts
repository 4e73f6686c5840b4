import { afterEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/gateway/types.js';
import { CookieJar, TestClient } from '../../src/testing/index.js';

/**
 * An app that answers `/set?<Set-Cookie value>` with that Set-Cookie header
 * and every other path with the Cookie header it received.
 */
const cookieApp: App = (environ, startResponse) => {
  const headers: Array<[string, string]> = [['Content-Type', 'text/plain']];
  if (environ.PATH_INFO.endsWith('/set')) {
    for (const value of environ.QUERY_STRING.split('&&')) headers.push(['Set-Cookie', decodeURIComponent(value)]);
  }
  startResponse('200 OK', headers);
  return [environ.HTTP_COOKIE ?? '(none)'];
};

async function setCookie(client: TestClient, value: string, at = '/set'): Promise<void> {
  await client.get(`${at}?${encodeURIComponent(value)}`);
}

describe('TestClient cookie jar', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stores Set-Cookie and sends it back as Cookie', async () => {
    const client = new TestClient(cookieApp);
    expect((await client.get('/')).text()).toBe('(none)');
    await setCookie(client, 'sid=abc123; Path=/; HttpOnly');
    expect(client.cookies.get('sid')).toBe('abc123');
    expect((await client.get('/')).text()).toBe('sid=abc123');
    expect(client.cookies.list()).toEqual([
      { name: 'sid', value: 'abc123', path: '/', expires: undefined, secure: false, httpOnly: true },
    ]);
  });

  it('keeps several cookies, replaces by name and path, and sends longer paths first', async () => {
    const client = new TestClient(cookieApp);
    await client.get(`/set?${encodeURIComponent('a=1; Path=/')}&&${encodeURIComponent('b=2; Path=/')}`);
    await setCookie(client, 'c=3; Path=/deep');
    await setCookie(client, 'a=one; Path=/');
    expect((await client.get('/deep/x')).text()).toBe('c=3; a=one; b=2');
    expect((await client.get('/')).text()).toBe('a=one; b=2');
  });

  it('scopes cookies by Path', async () => {
    const client = new TestClient(cookieApp);
    await setCookie(client, 'admin=yes; Path=/admin');
    expect((await client.get('/admin')).text()).toBe('admin=yes');
    expect((await client.get('/admin/users')).text()).toBe('admin=yes');
    expect((await client.get('/administrator')).text()).toBe('(none)');
    expect((await client.get('/')).text()).toBe('(none)');
    expect(client.cookies.get('admin', '/admin/x')).toBe('yes');
    expect(client.cookies.get('admin', '/other')).toBeUndefined();
  });

  it('defaults Path to the directory of the request path', async () => {
    const client = new TestClient(cookieApp);
    await setCookie(client, 'step=2', '/account/set');
    expect(client.cookies.list()[0]!.path).toBe('/account');
    expect((await client.get('/account/profile')).text()).toBe('step=2');
    expect((await client.get('/')).text()).toBe('(none)');
    await setCookie(client, 'top=1; Path=relative');
    expect(client.cookies.list().find((c) => c.name === 'top')!.path).toBe('/');
  });

  it('scopes cookies by the full path, SCRIPT_NAME included', async () => {
    const client = new TestClient(cookieApp, { environ: { SCRIPT_NAME: '/blog' } });
    await setCookie(client, 'mounted=1; Path=/blog');
    expect((await client.get('/entries')).text()).toBe('mounted=1');
    expect((await client.get('/', { environ: { SCRIPT_NAME: '/shop' } })).text()).toBe('(none)');
  });

  it('deletes a cookie on Max-Age=0 or a past Expires', async () => {
    const client = new TestClient(cookieApp);
    await setCookie(client, 'a=1; Path=/');
    await setCookie(client, 'b=2; Path=/');
    await setCookie(client, 'a=; Path=/; Max-Age=0');
    expect(client.cookies.get('a')).toBeUndefined();
    await setCookie(client, 'b=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    expect(client.cookies.get('b')).toBeUndefined();
    expect((await client.get('/')).text()).toBe('(none)');
  });

  it('deletes only the cookie with the matching path', async () => {
    const client = new TestClient(cookieApp);
    await setCookie(client, 'a=root; Path=/');
    await setCookie(client, 'a=deep; Path=/deep');
    await setCookie(client, 'a=; Path=/deep; Max-Age=0');
    expect((await client.get('/deep/x')).text()).toBe('a=root');
  });

  it('lets Max-Age win over Expires, and expires cookies over time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const client = new TestClient(cookieApp);
    await setCookie(client, 'short=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    await setCookie(client, 'dated=1; Expires=Tue, 01 Jan 2030 00:02:00 GMT');
    expect(client.cookies.list().map((c) => [c.name, c.expires?.toISOString()])).toEqual([
      ['short', '2030-01-01T00:01:00.000Z'],
      ['dated', '2030-01-01T00:02:00.000Z'],
    ]);
    vi.setSystemTime(new Date('2030-01-01T00:01:01Z'));
    expect((await client.get('/')).text()).toBe('dated=1');
    vi.setSystemTime(new Date('2030-01-01T00:02:01Z'));
    expect((await client.get('/')).text()).toBe('(none)');
  });

  it('reads a quoted value and sends it back as received', async () => {
    const client = new TestClient(cookieApp);
    await setCookie(client, 'greeting="hello world"; Path=/');
    expect(client.cookies.get('greeting')).toBe('hello world');
    expect((await client.get('/')).text()).toBe('greeting="hello world"');
  });

  it('ignores malformed Set-Cookie values and unknown attributes', async () => {
    const client = new TestClient(cookieApp);
    await setCookie(client, 'no-equals-sign');
    await setCookie(client, '=nameless');
    await setCookie(client, 'ok=1; Domain=localhost; SameSite=Lax; Max-Age=soon; Expires=whenever; Path=/');
    expect(client.cookies.list().map((c) => [c.name, c.value, c.expires])).toEqual([['ok', '1', undefined]]);
  });

  it('sends Secure cookies only when baseUrl is https', async () => {
    const http = new TestClient(cookieApp);
    await setCookie(http, 'token=t; Secure; Path=/');
    await setCookie(http, 'plain=p; Path=/');
    expect((await http.get('/')).text()).toBe('plain=p');
    const https = new TestClient(cookieApp, { baseUrl: 'https://localhost' });
    await setCookie(https, 'token=t; Secure; Path=/');
    expect((await https.get('/')).text()).toBe('token=t');
  });

  it('adds jar cookies after a Cookie header the request gives', async () => {
    const client = new TestClient(cookieApp);
    await setCookie(client, 'jar=1; Path=/');
    expect((await client.get('/', { headers: { Cookie: 'own=2' } })).text()).toBe('own=2; jar=1');
  });

  it('can be set, deleted and cleared by hand', async () => {
    const client = new TestClient(cookieApp);
    client.cookies.set('theme', 'dark');
    client.cookies.set('scoped', 'x', { path: '/admin', secure: false, httpOnly: true });
    expect((await client.get('/')).text()).toBe('theme=dark');
    expect((await client.get('/admin')).text()).toBe('scoped=x; theme=dark');
    expect(client.cookies.delete('scoped')).toBe(1);
    client.cookies.set('gone', 'x', { maxAge: 0 });
    expect(client.cookies.get('gone')).toBeUndefined();
    client.cookies.clear();
    expect((await client.get('/')).text()).toBe('(none)');
    expect(() => client.cookies.set('a b', 'x')).toThrow(TypeError);
    expect(() => client.cookies.set('a', 'x;y')).toThrow(TypeError);
  });

  it('is off with cookies: false', async () => {
    const client = new TestClient(cookieApp, { cookies: false });
    await setCookie(client, 'sid=1; Path=/');
    expect(client.cookies.get('sid')).toBeUndefined();
    client.cookies.set('manual', '1');
    expect((await client.get('/')).text()).toBe('(none)');
  });

  it('works as a standalone jar', () => {
    const jar = new CookieJar();
    jar.receive('a=1; Path=/x', '/x/login');
    expect(jar.header('/x/y', false)).toBe('a=1');
    expect(jar.header('/', false)).toBeUndefined();
  });
});
