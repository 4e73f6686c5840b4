/**
 * Allowed hosts: a Host, an absolute-form authority or a trusted proxy's
 * X-Forwarded-Host outside the list gets 400 before any app runs, so the
 * blog can build no link and no `Location` from it. Over real sockets, on
 * every host that takes the option.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { blogApp, blogHandler } from '../../examples/blog/app.js';
import { FileEntryStore } from '../../examples/blog/file-store.js';
import { allowedHostsFromEnv } from '../../examples/serve.js';
import { parseCommandLine, UsageError } from '../../src/cli/args.js';
import { MemoryErrors } from '../../src/gateway/errors.js';
import type { App } from '../../src/gateway/types.js';
import { proxyHeaders } from '../../src/middleware/proxy-headers/index.js';
import { compileAllowedHosts, parseHost } from '../../src/gateway/host.js';
import { defaultAllowedHosts } from '../../src/server/allowed-hosts.js';
import { toFetchHandler } from '../../src/server/fetch-handler.js';
import { toNodeListener } from '../../src/server/node-listener.js';
import { parseResponse, rawRequest, serve } from './helpers.js';

const echoHost: App = (environ, start) => {
  start('200 OK', [['Content-Type', 'text/plain']]);
  return [`host=${environ.HTTP_HOST ?? '-'} name=${environ.SERVER_NAME}\n`];
};

async function ask(port: number, host: string, target = '/', extra = ''): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  const { bytes } = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`);
  const response = parseResponse(bytes);
  return { status: response.status, body: response.body.toString(), headers: response.headers };
}

const dirs: string[] = [];
const others: Server[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await Promise.all(others.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('parsing and matching hosts', () => {
  it('parses host[:port] by RFC 3986 and refuses the rest', () => {
    expect(parseHost('Example.COM:8080')).toEqual({ name: 'example.com', port: '8080' });
    expect(parseHost('example.com.')).toEqual({ name: 'example.com', port: undefined });
    expect(parseHost('[0:0:0:0:0:0:0:1]:3000')).toEqual({ name: '[::1]', port: '3000' });
    expect(parseHost('')).toEqual({ name: '', port: undefined });
    for (const bad of ['x:99999', 'x:abc', 'x:', 'a b', 'a@b', '[::1', '[::1]x', '[zz]', 'a/b', 'x:1:2']) {
      expect(parseHost(bad), bad).toBeUndefined();
    }
  });

  it('matches names, *.domain patterns and *, ignoring case and port', () => {
    const allows = compileAllowedHosts(['Example.org', '*.example.com', '[::1]']);
    expect(allows('example.org')).toBe(true);
    expect(allows('www.example.com')).toBe(true);
    expect(allows('a.b.example.com')).toBe(true);
    expect(allows('example.com')).toBe(false);
    expect(allows('evilexample.com')).toBe(false);
    expect(allows('[::1]')).toBe(true);
    expect(allows('evil.example')).toBe(false);
    expect(compileAllowedHosts(['*'])('anything')).toBe(true);
    expect(() => compileAllowedHosts(['example.com:80'])).toThrow(TypeError);
    expect(() => compileAllowedHosts(['a b'])).toThrow(/is not a host name/);
  });

  it('defaults to the bound host and loopback, and adds the machine when bound to all interfaces', () => {
    expect(defaultAllowedHosts('127.0.0.1')).toEqual({ hosts: ['localhost', '127.0.0.1', '[::1]'], wide: false });
    expect(defaultAllowedHosts('::1').hosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(defaultAllowedHosts('web.internal').hosts).toContain('web.internal');
    const wide = defaultAllowedHosts('');
    expect(wide.wide).toBe(true);
    expect(wide.hosts).toContain(hostname().toLowerCase());
  });
});

describe('makeServer', () => {
  it('answers the bound host and loopback by default, with or without a port', async () => {
    const { port } = await serve(echoHost, { allowedHosts: undefined });
    for (const host of [`127.0.0.1:${port}`, 'localhost', `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await ask(port, host)).status, host).toBe(200);
    }
    const refused = await ask(port, 'evil.example');
    expect(refused.status).toBe(400);
    expect(refused.body).toBe('Bad Request: host "evil.example" is not allowed\n');
  });

  it('refuses an absolute-form authority outside the list, whatever the Host', async () => {
    const { port } = await serve(echoHost, { allowedHosts: ['127.0.0.1'] });
    const refused = await ask(port, '127.0.0.1', 'http://evil.example/x');
    expect(refused.status).toBe(400);
    expect(refused.body).toBe('Bad Request: host "evil.example" is not allowed\n');
    const allowed = await ask(port, 'evil.example', `http://127.0.0.1:${port}/x`);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toBe(`host=127.0.0.1:${port} name=127.0.0.1\n`);
  });

  it('refuses an empty Host, which names no host of this server', async () => {
    const { port } = await serve(echoHost, { allowedHosts: undefined });
    expect(await ask(port, '')).toMatchObject({ status: 400, body: 'Bad Request: host "" is not allowed\n' });
  });

  it('warns when bound to all interfaces without a list', async () => {
    const errors = new MemoryErrors();
    const { port } = await serve(echoHost, { allowedHosts: undefined, errors });
    expect(port).toBeGreaterThan(0);
    expect(errors.text).toBe('');
    const { makeServer } = await import('../../src/server/server.js');
    const wide = makeServer('', 0, echoHost, { log: null, errors });
    expect(errors.text).toMatch(/^tsgi: warning: listening on all interfaces without allowedHosts; only requests for localhost, 127\.0\.0\.1, \[::1\], /);
    expect(errors.text).toContain('allowedHosts (--allowed-hosts, ALLOWED_HOSTS)');
    await wide.close();
  });
});

describe('the blog behind allowed hosts', () => {
  async function blog(allowedHosts?: readonly string[]): Promise<number> {
    const dir = mkdtempSync(join(tmpdir(), 'tsgi-hosts-'));
    dirs.push(dir);
    const app = blogApp(blogHandler({ store: new FileEntryStore(dir) }));
    return (await serve(app, { allowedHosts })).port;
  }

  async function put(port: number, host: string, name: string, target = `/${name}`): Promise<{ status: number; body: string; headers: Record<string, string> }> {
    const text = 'An entry.';
    const { bytes } = await rawRequest(
      port,
      `PUT ${target} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\nConnection: close\r\n\r\n${text}`,
    );
    const response = parseResponse(bytes);
    return { status: response.status, body: response.body.toString(), headers: response.headers };
  }

  it('gives Host: evil.example a 400, so no Location or Atom link names it, and stores nothing', async () => {
    const port = await blog(['blog.example', '*.example.com', '[::1]']);
    const refused = await put(port, 'evil.example', 'first');
    expect(refused.status).toBe(400);
    expect(refused.body).toBe('Bad Request: host "evil.example" is not allowed\n');
    expect(refused.headers.location).toBeUndefined();
    const absolute = await put(port, 'blog.example', 'first', 'http://evil.example/first');
    expect(absolute.status).toBe(400);
    const feed = await ask(port, 'evil.example', '/?type=atom');
    expect(feed.status).toBe(400);
    expect(feed.body).not.toContain('evil.example/');
    expect((await ask(port, 'blog.example', '/first')).status).toBe(404);
  });

  it('builds Location and Atom links from a listed host, a *.domain match and [::1]', async () => {
    const port = await blog(['blog.example', '*.example.com', '[::1]']);
    const created = await put(port, 'blog.example', 'first');
    expect(created.status).toBe(201);
    expect(created.headers.location).toMatch(/^http:\/\/blog\.example\/first/);
    const sub = await put(port, `www.example.com:${port}`, 'second');
    expect(sub.status).toBe(201);
    expect(sub.headers.location).toMatch(new RegExp(`^http://www\\.example\\.com:${port}/second`));
    const feed = await ask(port, `[::1]:${port}`, '/?type=atom');
    expect(feed.status).toBe(200);
    expect(feed.body).toContain(`http://[::1]:${port}/first`);
    expect((await ask(port, 'example.com', '/')).status).toBe(400);
  });
});

describe('toNodeListener', () => {
  async function listen(handler: ReturnType<typeof toNodeListener>): Promise<number> {
    const server = createServer(handler);
    others.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('answers loopback and the address the connection reached by default', async () => {
    const port = await listen(toNodeListener(echoHost, { errors: new MemoryErrors() }));
    expect((await ask(port, `127.0.0.1:${port}`)).status).toBe(200);
    expect((await ask(port, 'localhost')).status).toBe(200);
    expect(await ask(port, 'evil.example')).toMatchObject({ status: 400, body: 'Bad Request: host "evil.example" is not allowed\n' });
  });

  it('takes allowedHosts', async () => {
    const port = await listen(toNodeListener(echoHost, { allowedHosts: ['*.example.com'] }));
    expect((await ask(port, 'a.example.com')).status).toBe(200);
    expect((await ask(port, '127.0.0.1')).status).toBe(400);
    expect((await ask(port, 'a.example.com\r\nHost: b.example.com')).body).toBe('Bad Request: two Host headers\n');
  });
});

describe('toFetchHandler', () => {
  it('refuses a host outside allowedHosts, and takes the runtime at its word without the option', async () => {
    const vetted = toFetchHandler(echoHost, { allowedHosts: ['example.com', '[::1]'] });
    const refused = await vetted(new Request('http://evil.example/'));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toBe('Bad Request: host "evil.example" is not allowed\n');
    expect((await vetted(new Request('http://EXAMPLE.com:8080/'))).status).toBe(200);
    expect((await vetted(new Request('http://[::1]:8080/'))).status).toBe(200);
    expect((await toFetchHandler(echoHost)(new Request('http://evil.example/'))).status).toBe(200);
  });
});

describe('proxyHeaders', () => {
  it('refuses a trusted X-Forwarded-Host outside allowedHosts with a 400 of its own', async () => {
    const errors = new MemoryErrors();
    const app = proxyHeaders(echoHost, { trust: ['loopback'], allowedHosts: ['public.example'] });
    const { port } = await serve(app, { errors });
    const refused = await ask(port, '127.0.0.1', '/', 'X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Host: evil.example\r\n');
    expect(refused.status).toBe(400);
    expect(refused.body).toBe('Bad Request: forwarded host "evil.example" is not allowed\n');
    const allowed = await ask(port, '127.0.0.1', '/', 'X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Host: Public.Example:8443\r\n');
    expect(allowed).toMatchObject({ status: 200, body: 'host=Public.Example:8443 name=public.example\n' });
  });
});

describe('configuration', () => {
  it('reads --allowed-hosts on tsgi serve and refuses entries that are not hosts', () => {
    const command = parseCommandLine(['serve', 'app.js', '--allowed-hosts', 'example.com, *.example.com']);
    expect(command.kind === 'serve' && command.config.allowedHosts).toEqual(['example.com', '*.example.com']);
    const none = parseCommandLine(['serve', 'app.js']);
    expect(none.kind === 'serve' && none.config.allowedHosts).toBeUndefined();
    expect(() => parseCommandLine(['serve', 'app.js', '--allowed-hosts', 'a:80'])).toThrow(UsageError);
    expect(() => parseCommandLine(['serve', 'app.js', '--allowed-hosts', ','])).toThrow(/needs host names/);
  });

  it('reads ALLOWED_HOSTS for the examples', () => {
    expect(allowedHostsFromEnv('blog.example, *.example.com')).toEqual(['blog.example', '*.example.com']);
    expect(allowedHostsFromEnv('')).toBeUndefined();
    expect(allowedHostsFromEnv(undefined)).toBeUndefined();
  });

  it('makes the built blog example answer ALLOWED_HOSTS and refuse others', async () => {
    expect(existsSync('dist/examples/blog/main.js'), 'run npm run build first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'tsgi-hosts-env-'));
    dirs.push(dir);
    const child = spawn(process.execPath, ['dist/examples/blog/main.js'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', BLOG_DIR: dir, ALLOWED_HOSTS: 'blog.example' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    try {
      let port = 0;
      for await (const line of createInterface({ input: child.stdout! })) {
        const match = /:(\d+)\//.exec(line);
        if (match !== null) {
          port = Number(match[1]);
          break;
        }
      }
      expect(port).toBeGreaterThan(0);
      expect((await ask(port, 'blog.example')).status).toBe(200);
      expect(await ask(port, 'evil.example')).toMatchObject({ status: 400, body: 'Bad Request: host "evil.example" is not allowed\n' });
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  });
});
