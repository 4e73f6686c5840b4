import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, get, MULTI, requireBuild, runCli, runToExit, startedUrl, waitFor } from './helpers.js';

beforeAll(requireBuild);

// Each case is its own short-lived process; running them side by side keeps the file quick.
describe.concurrent('tsgi serve: errors', () => {
  it.each([
    [['serve', `./${FIXTURES}/nope.js`], /^tsgi: cannot find module .\/test\/cli\/fixtures\/nope.js \(no file .*nope.js\)\n$/],
    [['serve', 'no-such-package-here'], /^tsgi: cannot find module no-such-package-here \(no file \S+, nor a package installed here\)\n$/],
    [['serve', `${MULTI}:simpel_app`], /^tsgi: dist\/examples\/multi\/app.js has no export "simpel_app" \(its exports: .*simple_app.*\)\n$/],
    [['serve', `${MULTI}:motto`], /^tsgi: export "motto" of dist\/examples\/multi\/app.js is not an app .*; it is string\n$/],
    [['serve', `${FIXTURES}/values.js`], /^tsgi: test\/cli\/fixtures\/values.js exports no app/],
    [['serve', `${FIXTURES}/missing-import.js`], /^tsgi: failed to load test\/cli\/fixtures\/missing-import.js: Error \[ERR_MODULE_NOT_FOUND\]: Cannot find package 'not-installed-anywhere' imported from \S+missing-import.js/],
    [['serve', `${FIXTURES}/broken.js`], /^tsgi: failed to load test\/cli\/fixtures\/broken.js: Error: broken on purpose/],
  ])('%j exits non-zero naming the problem', async (args, message) => {
    const { code, stdout, stderr } = await runToExit([...args, '--port', '0']);
    expect(stderr).toMatch(message);
    expect(code).toBe(78);
    expect(stdout).toBe('');
  });

  it('refuses a bad option with exit code 2 and a usage hint', async () => {
    const { code, stderr } = await runToExit(['serve', MULTI, '--port', 'eighty']);
    expect(code).toBe(2);
    expect(stderr).toBe(`tsgi: --port must be an integer from 0 to 65535, got "eighty"\nRun 'tsgi --help' for usage.\n`);
    const unknown = await runToExit(['serve', MULTI, '--wokers', '2']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^tsgi: Unknown option '--wokers'/);
  });

  it('says so when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await runToExit(['serve', MULTI, '--port', String(port)]);
      expect(stderr).toBe(`tsgi: cannot listen on 127.0.0.1:${port}: the address is already in use; another server is listening there (EADDRINUSE)\n`);
      expect(code).toBe(78);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('prints help and the version', async () => {
    const help = await runToExit(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tsgi serve <module>\[:<export>\] \[options\]/);
    expect(help.stdout).toContain('--graceful-timeout');
    const version = await runToExit(['--version']);
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(version.stdout).toBe(`tsgi ${manifest.version}\n`);
  });
});

describe.concurrent('tsgi serve: serving', () => {
  it('serves module-only mode under a prefix: /test/foo/simple_app reaches simple_app', async () => {
    const cli = runCli(['serve', MULTI, '--port', '0', '--prefix', '/test/foo']);
    const url = await startedUrl(cli);
    expect(cli.stdout()).toMatch(/^tsgi: serving the exports of dist\/examples\/multi\/app.js on http:\/\/127\.0\.0\.1:\d+\/ \(pid \d+; Ctrl-C to stop\)\n$/);
    const simple = await get(`${url}test/foo/simple_app`);
    expect([simple.status, simple.body]).toEqual([200, 'Hello world!\n']);
    const where = await get(`${url}test/foo/where_app/a%20b`);
    expect(where.body).toContain('SCRIPT_NAME: /test/foo/where_app\nPATH_INFO: /a b\n');
    expect((await get(`${url}test/foo/Greeting/Ada`)).body).toBe('Greetings, Ada!\n');
    const motto = await get(`${url}test/foo/motto`);
    expect([motto.status, motto.body]).toEqual([404, 'Not Found: no app named "motto" here\n']);
    expect((await get(`${url}simple_app`)).status).toBe(404);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('serves a named export, and the default export when none is named', async () => {
    const named = runCli(['serve', `${MULTI}:Greeting`, '--port', '0']);
    const slow = runCli(['serve', `${FIXTURES}/slow.js`, '--port', '0']);
    const [namedUrl, slowUrl] = await Promise.all([startedUrl(named), startedUrl(slow)]);
    expect(named.stdout()).toMatch(/^tsgi: serving Greeting on /);
    expect((await get(`${namedUrl}Bob`)).body).toBe('Greetings, Bob!\n');
    expect((await get(slowUrl)).body).toMatch(/^done after 0 ms in \d+\n$/);
  });

  it('writes an access log line per request with --access-log', async () => {
    const cli = runCli(['serve', `${MULTI}:simple_app`, '--port', '0', '--access-log']);
    const url = await startedUrl(cli);
    await get(`${url}some/path?q=1`);
    await waitFor(() => cli.stdout().includes('"GET'), 'the access log line');
    expect(cli.stdout()).toMatch(/\n127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/some\/path\?q=1 HTTP\/1\.1" 200 13 \d+\.\d{3}\n$/);
  });

  it('closes an idle keep-alive connection after --keep-alive-timeout', async () => {
    const cli = runCli(['serve', `${MULTI}:simple_app`, '--port', '0', '--keep-alive-timeout', '0.3']);
    const url = new URL(await startedUrl(cli));
    const socket = connect({ host: '127.0.0.1', port: Number(url.port) });
    let received = '';
    socket.setEncoding('latin1').on('data', (data: string) => (received += data));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await waitFor(() => received.includes('Hello world!'), 'the response');
    const answeredAt = Date.now();
    const closedAt = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(closedAt - answeredAt).toBeLessThan(2000);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('on SIGTERM lets the request in flight finish with 200, refuses new connections, and exits 0', async () => {
    const cli = runCli(['serve', `${FIXTURES}/slow.js`, '--port', '0', '--graceful-timeout', '5']);
    const url = await startedUrl(cli);
    const slow = get(`${url}slow?ms=1500`);
    await waitFor(() => cli.stderr().includes('request started: /slow'), 'the slow request to reach the app');
    cli.child.kill('SIGTERM');
    // The listener closes right away, while the slow request is still running.
    // A connection accepted just before the listener closed is reset, not
    // served; the listener is gone once connecting is refused.
    let refused: unknown;
    for (let i = 0; i < 50 && refused !== 'ECONNREFUSED'; i++) {
      refused = await get(url).then(
        () => undefined,
        (error: NodeJS.ErrnoException) => error.code,
      );
      if (refused !== 'ECONNREFUSED') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refused).toBe('ECONNREFUSED');
    expect(cli.child.exitCode).toBeNull();
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^done after 1500 ms/);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toMatch(/tsgi: stopped\n$/);
  });

  it('cuts off what runs past --graceful-timeout and still exits 0', async () => {
    const cli = runCli(['serve', `${FIXTURES}/slow.js`, '--port', '0', '--graceful-timeout', '0.2']);
    const url = await startedUrl(cli);
    const slow = get(`${url}slow?ms=3000`).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await waitFor(() => cli.stderr().includes('request started'), 'the slow request to reach the app');
    const signalled = Date.now();
    cli.child.kill('SIGTERM');
    expect(await slow).toBe('ECONNRESET');
    expect((await cli.exited).code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(2500);
  });
});

describe('tsgi serve: HTTPS', () => {
  // A self-signed certificate for 127.0.0.1, made for these tests only.
  const dir = FIXTURES;

  it('serves over TLS with --cert and --key, and tsgi.url_scheme is https', async () => {
    const cli = runCli(['serve', `${MULTI}:where_app`, '--port', '0', '--cert', join(dir, 'tls-cert.pem'), '--key', join(dir, 'tls-key.pem')]);
    const url = await startedUrl(cli);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const ca = readFileSync(join(dir, 'tls-cert.pem'));
    const body = await new Promise<string>((resolve, reject) => {
      httpsRequest(`${url}x`, { ca, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (data: string) => (text += data));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(body).toContain(`URL: ${url}x\n`);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});
