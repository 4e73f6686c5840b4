import { describe, expect, it } from 'vitest';
import { TestClient } from '../../src/testing/index.js';
import { urlMap } from '../../src/middleware/url-map/index.js';
import { type App } from '../../src/gateway/index.js';

const echo =
  (label: string): App =>
  (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    return [JSON.stringify({ label, script: environ.SCRIPT_NAME, path: environ.PATH_INFO })];
  };

describe('urlMap', () => {
  const client = new TestClient(
    urlMap({ '/blog': echo('blog'), '/blog/admin/': echo('admin'), '/': echo('root') }),
  );

  it('picks the longest prefix and moves it into SCRIPT_NAME', async () => {
    expect((await client.get('/blog/admin/users')).json()).toEqual({ label: 'admin', script: '/blog/admin', path: '/users' });
    expect((await client.get('/blog/post')).json()).toEqual({ label: 'blog', script: '/blog', path: '/post' });
    expect((await client.get('/blog')).json()).toEqual({ label: 'blog', script: '/blog', path: '' });
  });

  it('matches whole segments only', async () => {
    expect((await client.get('/blogger')).json()).toEqual({ label: 'root', script: '', path: '/blogger' });
  });

  it('keeps an outer SCRIPT_NAME', async () => {
    const response = await client.get('/blog/x', { environ: { SCRIPT_NAME: '/site' } });
    expect(response.json()).toEqual({ label: 'blog', script: '/site/blog', path: '/x' });
  });

  it('answers 404 when nothing matches and there is no root app', async () => {
    const bare = new TestClient(urlMap({ '/a': echo('a') }));
    const response = await bare.get('/b');
    expect(response.status).toBe(404);
    expect(response.text()).toContain('nothing is mounted at /b');
    expect((await bare.head('/b')).text()).toBe('');
  });

  it('refuses prefixes without a leading slash', () => {
    expect(() => urlMap({ blog: echo('x') })).toThrow(TypeError);
  });
});

describe('urlMap edge cases', () => {
  const client = new TestClient(urlMap({ '/blog': echo('blog'), '/blog/archive': echo('archive') }));

  it('hands a trailing slash on to the app as PATH_INFO "/"', async () => {
    expect((await client.get('/blog/')).json()).toEqual({ label: 'blog', script: '/blog', path: '/' });
  });

  it('matches on segment boundaries for nested prefixes too', async () => {
    expect((await client.get('/blog/archive/2024')).json()).toEqual({ label: 'archive', script: '/blog/archive', path: '/2024' });
    expect((await client.get('/blog/archived')).json()).toEqual({ label: 'blog', script: '/blog', path: '/archived' });
  });

  it('matches decoded paths, so an encoded prefix still routes', async () => {
    expect((await client.get('/bl%6fg/x')).json()).toEqual({ label: 'blog', script: '/blog', path: '/x' });
  });

  it('answers 404 at the root and for prefixes of prefixes', async () => {
    expect((await client.get('/')).status).toBe(404);
    expect((await client.get('/blo')).status).toBe(404);
  });

  it('refuses duplicate and malformed prefixes', () => {
    expect(() => urlMap({ '/blog': echo('a'), '/blog/': echo('b') })).toThrow(/given twice/);
    expect(() => urlMap({ '/a//b': echo('a') })).toThrow(/empty segment/);
  });
});
