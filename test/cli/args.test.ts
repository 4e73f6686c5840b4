import { describe, expect, it } from 'vitest';
import { parseCommandLine, splitTarget, UsageError, type ServeConfig } from '../../src/cli/args.js';

function serve(argv: string[]): ServeConfig {
  const command = parseCommandLine(argv);
  if (command.kind !== 'serve') throw new Error(`expected serve, got ${command.kind}`);
  return command.config;
}

describe('parseCommandLine', () => {
  it('has defaults for everything but the module', () => {
    expect(serve(['serve', 'dist/app.js'])).toEqual({
      module: 'dist/app.js',
      exportName: undefined,
      host: '127.0.0.1',
      port: 8080,
      workers: 1,
      watch: false,
      prefix: '',
      accessLog: false,
      trustProxy: undefined,
      gracefulTimeout: 10_000,
      keepAliveTimeout: undefined,
      headersTimeout: undefined,
      requestTimeout: undefined,
      tls: undefined,
    });
  });

  it('takes --watch, and a .ts module (whether a loader runs is for the import to tell)', () => {
    expect(serve(['serve', 'src/app.ts:site', '--watch'])).toMatchObject({ module: 'src/app.ts', exportName: 'site', watch: true, workers: 1 });
  });

  it('reads every option', () => {
    const config = serve([
      'serve', 'app.js:simple_app', '--host', '', '--port', '0', '--workers', '4', '--prefix', '/test/foo/',
      '--access-log', '--graceful-timeout', '2.5', '--trust-proxy', '127.0.0.1, 10.0.0.0/8',
    ]);
    expect(config.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(serve(['serve', 'a.js', '--trust-proxy', '2']).trustProxy).toBe(2);
    expect(serve(['serve', 'a.js', '--keep-alive-timeout', '65', '--headers-timeout', '10', '--request-timeout', '30'])).toMatchObject({
      keepAliveTimeout: 65_000, headersTimeout: 10_000, requestTimeout: 30_000,
    });
    expect(
      serve(['serve', 'a.js', '--body-timeout', '12', '--send-timeout', '7.5', '--max-pipelined', '4', '--max-connections', '0']),
    ).toMatchObject({ bodyTimeout: 12_000, sendTimeout: 7_500, maxPipelined: 4, maxConnections: 0 });
    expect(serve(['serve', 'a.js'])).toMatchObject({ bodyTimeout: undefined, sendTimeout: undefined, maxPipelined: undefined, maxConnections: undefined });
    expect(config).toMatchObject({
      module: 'app.js', exportName: 'simple_app', host: '', port: 0, workers: 4, prefix: '/test/foo', accessLog: true, gracefulTimeout: 2500,
    });
  });

  it('answers --help and --version before anything else', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['serve', '-h'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-v'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['serve', 'a.js', '--port', 'http'], /--port must be an integer from 0 to 65535, got "http"/],
    [['serve', 'a.js', '--port', '70000'], /--port must be an integer/],
    [['serve', 'a.js', '--port', '-1'], /--port/],
    [['serve', 'a.js', '--workers', '0'], /--workers must be an integer from 1 to 256/],
    [['serve', 'a.js', '--graceful-timeout', 'soon'], /--graceful-timeout must be a number of seconds/],
    [['serve', 'a.js', '--prefix', 'test'], /--prefix must start with '\/'/],
    [['serve', 'a.js', '--prefix', '/a?b'], /--prefix must be a plain path/],
    [['serve', 'a.js', '--keep-alive-timeout', '5s'], /--keep-alive-timeout must be a number of seconds/],
    [['serve', 'a.js', '--headers-timeout', '90', '--request-timeout', '30'], /--headers-timeout must not exceed --request-timeout/],
    [['serve', 'a.js', '--headers-timeout', '400'], /--headers-timeout must not exceed/],
    [['serve', 'a.js', '--send-timeout', 'soon'], /--send-timeout must be a number of seconds/],
    [['serve', 'a.js', '--max-pipelined', '0'], /--max-pipelined/],
    [['serve', 'a.js', '--max-connections', 'lots'], /--max-connections/],
    [['serve', 'a.js', '--trust-proxy', 'everyone'], /--trust-proxy: /],
    [['serve', 'a.js', '--trust-proxy', ','], /--trust-proxy needs/],
    [['serve', 'a.js', '--cert', 'c.pem'], /--cert and --key go together/],
    [['serve', 'a.js', '--cert', '/nonexistent/c.pem', '--key', '/nonexistent/k.pem'], /--cert: cannot read \/nonexistent\/c.pem: ENOENT/],
    [['serve', 'a.js', '--prot', '1'], /Unknown option '--prot'/],
    [['serve', 'a.js', '--port'], /--port/],
    [['serve'], /serve needs a module/],
    [[], /no command given/],
    [['run', 'a.js'], /unknown command "run"/],
    [['serve', 'a.js', 'b.js'], /unexpected argument "b.js"/],
    [['serve', 'a.js', '--watch', '--workers', '2'], /--watch restarts one process for development; drop --workers/],
    [['serve', 'a.js:'], /no export after ':'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});

describe('splitTarget', () => {
  it('takes a trailing identifier as the export and leaves other colons alone', () => {
    expect(splitTarget('dist/app.js:simple_app')).toEqual({ module: 'dist/app.js', exportName: 'simple_app' });
    expect(splitTarget('@scope/pkg:App')).toEqual({ module: '@scope/pkg', exportName: 'App' });
    expect(splitTarget('dist/app.js')).toEqual({ module: 'dist/app.js', exportName: undefined });
    expect(splitTarget('C:\\apps\\app.js')).toEqual({ module: 'C:\\apps\\app.js', exportName: undefined });
  });
});
