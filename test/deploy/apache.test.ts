import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, MULTI, requireBuild, ROOT, runCli, startedUrl, type Cli } from '../cli/helpers.js';
import { APACHE, ask, daemonsAvailable, freePort, startApache, type Daemon } from './support.js';

const run = promisify(execFile);
const CERT = join(ROOT, FIXTURES, 'tls-cert.pem');
const KEY = join(ROOT, FIXTURES, 'tls-key.pem');

const portOf = (url: string): string => new URL(url).port;

/**
 * The `<Location "/test/foo">` block of docs/deploy.md, as written there,
 * mounted at `path` for a tsgi on `port`: the page's copy is what is tested.
 */
function location(path: string, port: string): string {
  const docs = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
  const block = /```apache\n(<Location "\/test\/foo">\n[^`]*<\/Location>)\n```/.exec(docs)?.[1];
  if (block === undefined) throw new Error('docs/deploy.md has no ```apache block with <Location "/test/foo">');
  return block.replaceAll('/test/foo', path).replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`);
}

/** Where where_app says a request landed, one `name: value` per line. */
function landed(body: string): Record<string, string> {
  return Object.fromEntries(body.split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]));
}

describe.runIf(daemonsAvailable(APACHE))('behind a real Apache httpd', () => {
  let dir: string;
  let multi: Cli;
  let untrusting: Cli;
  let blog: Cli;
  let apache: Daemon;
  let base: string;
  let secure: string;

  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'tsgi-apache-'));
    // ProxyPreserveHost passes the client's Host on (and X-Forwarded-Host
    // carries it too), so the names its clients use are listed; only Apache
    // (on 127.0.0.1) is believed.
    const allowed = ['--allowed-hosts', 'localhost,127.0.0.1,www.example.test'];
    // The article's setup: one module, Apache strips /test/foo and says so
    // in X-Forwarded-Prefix, the first segment after it names the app.
    multi = runCli(['serve', MULTI, '--port', '0', '--trust-proxy', '127.0.0.1', ...allowed]);
    // The same module, the same Apache block, no --trust-proxy.
    untrusting = runCli(['serve', MULTI, '--port', '0', ...allowed]);
    // The blog answers for its public name only, as docs/deploy.md's
    // command does: Apache's own Host (127.0.0.1:port) would get 400.
    blog = runCli(['serve', 'dist/examples/blog/app.js:Blog', '--port', '0', '--trust-proxy', '127.0.0.1', '--allowed-hosts', 'blog.example.test'], {
      BLOG_DIR: join(dir, 'blog'),
    });
    const [multiUrl, untrustingUrl, blogUrl] = await Promise.all([startedUrl(multi), startedUrl(untrusting), startedUrl(blog)]);
    const tlsPort = await freePort();
    apache = await startApache(dir, ['authz_core', 'proxy', 'proxy_http', 'headers', 'socache_shmcb', 'ssl'], () => `
${location('/test/foo', portOf(multiUrl))}
${location('/plain', portOf(untrustingUrl))}
${location('/journal', portOf(blogUrl))}
Listen 127.0.0.1:${tlsPort}
SSLSessionCache "shmcb:${join(dir, 'apache-run', 'ssl-cache')}(65536)"
<VirtualHost 127.0.0.1:${tlsPort}>
    SSLEngine on
    SSLCertificateFile "${CERT}"
    SSLCertificateKeyFile "${KEY}"
</VirtualHost>`);
    base = `http://127.0.0.1:${apache.port}`;
    secure = `https://127.0.0.1:${tlsPort}`;
  });

  afterAll(async () => {
    await apache?.stop();
    for (const cli of [multi, untrusting, blog]) cli?.child.kill('SIGTERM');
    await Promise.all([multi?.exited, untrusting?.exited, blog?.exited]);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('reaches the simple_app export at /test/foo/simple_app (module-only mode, prefix from X-Forwarded-Prefix)', async () => {
    const answer = await ask(`${base}/test/foo/simple_app`);
    expect([answer.status, answer.body]).toEqual([200, 'Hello world!\n']);
    expect(answer.headers.server).toMatch(/^Apache\//);
    expect((await ask(`${base}/test/foo/motto`)).status).toBe(404);
    // The module root lists its apps with the links a browser can follow.
    const listing = await ask(`${base}/test/foo/`);
    expect(listing.status).toBe(404);
    expect(listing.body).toContain('  /test/foo/simple_app\n');
    // <Location "/test/foo"> stops at a segment boundary: /test/foobar is Apache's own 404.
    const outside = await ask(`${base}/test/foobar`);
    expect([outside.status, outside.headers['content-type']]).toEqual([404, 'text/html; charset=iso-8859-1']);
  });

  it('gives the app the client address, public host and mount point (curl from 127.0.0.2)', async () => {
    const { stdout } = await run('curl', ['-sS', '--interface', '127.0.0.2', '-H', 'Host: www.example.test:8080', `${base}/test/foo/where_app/x`]);
    expect(landed(stdout)).toMatchObject({
      SCRIPT_NAME: '/test/foo/where_app',
      PATH_INFO: '/x',
      URL: 'http://www.example.test:8080/test/foo/where_app/x',
      REMOTE_ADDR: '127.0.0.2',
    });
  });

  it('believes none of the forwarding headers a client made up', async () => {
    const answer = await ask(`${base}/test/foo/where_app`, {
      from: '127.0.0.2',
      headers: { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Prefix': '/evil', 'X-Forwarded-Host': 'evil.example' },
    });
    expect(answer.status).toBe(200);
    expect(landed(answer.body)).toMatchObject({
      SCRIPT_NAME: '/test/foo/where_app',
      URL: `${base}/test/foo/where_app`,
      REMOTE_ADDR: '127.0.0.2',
    });
  });

  it('without --trust-proxy the app sees Apache as the client and no prefix', async () => {
    const answer = await ask(`${base}/plain/where_app`, { from: '127.0.0.2' });
    expect(landed(answer.body)).toMatchObject({ SCRIPT_NAME: '/where_app', URL: `${base}/where_app`, REMOTE_ADDR: '127.0.0.1' });
  });

  it("puts Apache's scheme, host and the prefix in the blog's Location and Atom links", async () => {
    const put = await ask(`${base}/journal/hello-apache`, {
      method: 'PUT', body: 'Served from behind Apache.', headers: { Host: 'blog.example.test', 'Content-Type': 'text/plain' },
    });
    expect(put.status).toBe(201);
    expect(put.headers.location).toBe('http://blog.example.test/journal/hello-apache');

    const feed = await ask(`${base}/journal/?type=atom`, { headers: { Host: 'blog.example.test' } });
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(feed.body).toContain('http://blog.example.test/journal/hello-apache');

    // Through Apache's TLS listener the same block sends X-Forwarded-Proto https.
    const { stdout } = await run('curl', ['-sS', '--fail', '--cacert', CERT, '-H', 'Host: blog.example.test', `${secure}/journal/?type=atom`]);
    expect(stdout).toContain('https://blog.example.test/journal/hello-apache');
    expect(stdout).not.toMatch(/127\.0\.0\.1|http:\/\/blog/);
  });
});
