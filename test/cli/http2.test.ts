/**
 * `tsgi serve --http2`: HTTP/2 and HTTP/1.1 on one TLS port, from the
 * command line, in one process and with workers.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../src/cli/args.js';
import { FIXTURES, MULTI, requireBuild, runCli, runToExit, startedUrl } from './helpers.js';

beforeAll(requireBuild);

const CERT = join(FIXTURES, 'tls-cert.pem');
const KEY = join(FIXTURES, 'tls-key.pem');
const run = promisify(execFile);

/** curl trusting the test certificate: the status line, and the protocol version it spoke. */
async function curl(args: readonly string[]): Promise<{ stdout: string; version: string }> {
  const { stdout } = await run('curl', ['-s', '-i', '--cacert', CERT, '--max-time', '10', '-w', '\n%{http_version}', ...args], { timeout: 15_000 });
  const cut = stdout.lastIndexOf('\n');
  return { stdout: stdout.slice(0, cut), version: stdout.slice(cut + 1) };
}

describe('tsgi serve --http2', () => {
  it('parses --http2 beside --cert and --key, and refuses it without them, naming the fix', () => {
    const parsed = parseCommandLine(['serve', 'dist/app.js', '--http2', '--cert', CERT, '--key', KEY]);
    expect(parsed.kind === 'serve' && parsed.config.http2).toBe(true);
    const plain = parseCommandLine(['serve', 'dist/app.js', '--cert', CERT, '--key', KEY]);
    expect(plain.kind === 'serve' && plain.config.http2).toBeUndefined();
    expect(() => parseCommandLine(['serve', 'dist/app.js', '--http2'])).toThrow(
      new UsageError('--http2 needs --cert and --key: clients speak HTTP/2 only over TLS'),
    );
  });

  it('exits 2 for --http2 without a certificate', async () => {
    const { code, stderr } = await runToExit(['serve', MULTI, '--port', '0', '--http2']);
    expect(code).toBe(2);
    expect(stderr).toBe("tsgi: --http2 needs --cert and --key: clients speak HTTP/2 only over TLS\nRun 'tsgi --help' for usage.\n");
  });

  it.each([
    ['one process', []],
    ['two workers', ['--workers', '2']],
  ])('serves curl --http2 and curl --http1.1 on the same port (%s), and stops on SIGTERM', async (_name, extra) => {
    const cli = runCli(['serve', `${MULTI}:where_app`, '--port', '0', '--http2', '--cert', CERT, '--key', KEY, ...extra]);
    const url = await startedUrl(cli);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const h2 = await curl(['--http2', `${url}x`]);
    expect(h2.version).toBe('2');
    expect(h2.stdout).toMatch(/^HTTP\/2 200 \r\n/);
    expect(h2.stdout).toContain(`URL: ${url}x\n`);
    const h1 = await curl(['--http1.1', `${url}y`]);
    expect(h1.version).toBe('1.1');
    expect(h1.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(h1.stdout).toContain(`URL: ${url}y\n`);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});
