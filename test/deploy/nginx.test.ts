import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MULTI, requireBuild, runCli, startedUrl, type Cli } from '../cli/helpers.js';
import { ask, daemonsAvailable, NGINX, PROXY_HEADERS, startNginx, type Daemon } from './support.js';

const portOf = (url: string): string => new URL(url).port;

describe.runIf(daemonsAvailable(NGINX))('behind a real nginx', () => {
  let dir: string;
  let multi: Cli;
  let blog: Cli;
  let nginx: Daemon;
  let base: string;

  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'tsgi-nginx-'));
    // The article's setup: one module, its apps under /test/foo, the prefix
    // passed through to the app; only nginx (on 127.0.0.1) is believed.
    // nginx passes the client's Host on, so the names its clients use are listed.
    const allowed = ['--allowed-hosts', 'localhost,127.0.0.1,www.example.test,blog.example.test'];
    multi = runCli(['serve', MULTI, '--port', '0', '--prefix', '/test/foo', '--trust-proxy', '127.0.0.1', ...allowed]);
    // The blog mounted by nginx alone: the path arrives without the prefix,
    // which comes back through X-Forwarded-Prefix, as does the public scheme.
    blog = runCli(['serve', 'dist/examples/blog/app.js:Blog', '--port', '0', '--trust-proxy', '127.0.0.1', ...allowed], { BLOG_DIR: join(dir, 'blog') });
    const [multiUrl, blogUrl] = await Promise.all([startedUrl(multi), startedUrl(blog)]);
    nginx = await startNginx(dir, (port) => `
  upstream tsgi_multi { server 127.0.0.1:${portOf(multiUrl)}; }
  server {
    listen 127.0.0.1:${port};
    location /test/foo/ {
      proxy_pass http://tsgi_multi;${PROXY_HEADERS}
    }
    location /journal/ {
      proxy_pass http://127.0.0.1:${portOf(blogUrl)}/;${PROXY_HEADERS}
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-Prefix /journal;
    }
  }`);
    base = `http://127.0.0.1:${nginx.port}`;
  });

  afterAll(async () => {
    await nginx?.stop();
    multi?.child.kill('SIGTERM');
    blog?.child.kill('SIGTERM');
    await Promise.all([multi?.exited, blog?.exited]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches the simple_app export at /test/foo/simple_app (module-only mode with --prefix)', async () => {
    const answer = await ask(`${base}/test/foo/simple_app`);
    expect([answer.status, answer.body]).toEqual([200, 'Hello world!\n']);
    expect(answer.headers.server).toMatch(/^nginx/);
    expect((await ask(`${base}/test/foo/motto`)).status).toBe(404);
  });

  it('gives the app the real client address, public host and mount point through proxyHeaders', async () => {
    const answer = await ask(`${base}/test/foo/where_app/x`, { from: '127.0.0.2', headers: { Host: 'www.example.test:8080' } });
    expect(answer.body).toContain('SCRIPT_NAME: /test/foo/where_app\nPATH_INFO: /x\n');
    expect(answer.body).toContain('URL: http://www.example.test:8080/test/foo/where_app/x\n');
    expect(answer.body).toContain('REMOTE_ADDR: 127.0.0.2\n');
  });

  it('does not believe an X-Forwarded-For the client made up', async () => {
    const answer = await ask(`${base}/test/foo/where_app`, { from: '127.0.0.2', headers: { 'X-Forwarded-For': '203.0.113.9' } });
    expect(answer.body).toContain('REMOTE_ADDR: 127.0.0.2\n');
  });

  it('puts the public prefix, scheme and host in the blog\'s Atom links', async () => {
    const put = await ask(`${base}/journal/hello-nginx`, {
      method: 'PUT', body: 'Served from behind a proxy.', headers: { Host: 'blog.example.test', 'Content-Type': 'text/plain' },
    });
    expect(put.status).toBe(201);
    const feed = await ask(`${base}/journal/?type=atom`, { headers: { Host: 'blog.example.test' } });
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(feed.body).toContain('https://blog.example.test/journal/hello-nginx');
    expect(feed.body).not.toMatch(/127\.0\.0\.1|http:\/\/blog/);
  });
});
