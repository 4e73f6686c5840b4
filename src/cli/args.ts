/**
 * The command line of `tsgi`: what it accepts, its help text, and the
 * checks that turn a mistyped option into a clear message.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compileTrust } from '../middleware/proxy-headers/trust.js';
import { compileAllowedHosts } from '../gateway/host.js';

/** The exit code for a bad command line: 2, as Unix tools use it for misuse. */
export const EXIT_USAGE = 2;

/**
 * Everything `tsgi serve` was asked to do, checked.
 *
 * @example
 * ```ts
 * const config = parseCommandLine(['serve', 'dist/app.js:simpleApp', '--port', '0']);
 * ```
 */
export interface ServeConfig {
  /**
   * The module: a `.js` file (relative to the working directory), a `.ts`
   * file when a TypeScript loader is active, or a package specifier.
   */
  readonly module: string;
  /** The named export, or undefined for the default export or module-only mode. */
  readonly exportName: string | undefined;
  /** The host to bind, `''` for all interfaces. */
  readonly host: string;
  /** The port, 0 for an ephemeral one. */
  readonly port: number;
  /** How many processes serve; 1 means no cluster. */
  readonly workers: number;
  /** Whether to restart the app when a file in its module's directory changes (`--watch`). */
  readonly watch: boolean;
  /** The mount prefix, `''` or `/`-led without a trailing `/`. */
  readonly prefix: string;
  /** Whether to write an access log line per request to stdout. */
  readonly accessLog: boolean;
  /** Milliseconds shutdown waits for requests in flight. */
  readonly gracefulTimeout: number;
  /** Milliseconds an idle keep-alive connection stays open, or undefined for Node's default (5 s). */
  readonly keepAliveTimeout: number | undefined;
  /** Milliseconds a client has for the whole request, or undefined for Node's default (300 s). */
  readonly requestTimeout: number | undefined;
  /** Milliseconds a client has for the request head, or undefined for the server's default (30 s). */
  readonly headersTimeout: number | undefined;
  /** Milliseconds a client may send no byte of a request body, or undefined for the server's default (30 s). */
  readonly bodyTimeout: number | undefined;
  /** Milliseconds a client may accept no byte of a response, or undefined for the server's default (30 s). */
  readonly sendTimeout: number | undefined;
  /** Pipelined requests that may wait per connection, or undefined for the server's default (16). */
  readonly maxPipelined: number | undefined;
  /** Connections open at once, or undefined for the server's default (1024). */
  readonly maxConnections: number | undefined;
  /**
   * Which proxies' forwarding headers to believe (`proxyHeaders` trust: a
   * list of addresses, subnets and shorthands, or a hop count), or undefined
   * to believe none.
   */
  readonly trustProxy: readonly string[] | number | undefined;
  /**
   * The host names requests may name (`allowedHosts` of the server and of
   * `proxyHeaders`), or undefined for the server's default.
   */
  readonly allowedHosts: readonly string[] | undefined;
  /** The TLS certificate and key, read from their files, for HTTPS. */
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | undefined;
  /** True with `--http2`: HTTP/2 beside HTTP/1.1 on the TLS port; undefined without. */
  readonly http2: true | undefined;
}

/**
 * What the command line asks for: serving, or printing help or the version.
 *
 * @example
 * ```ts
 * const command: Command = { kind: 'help' };
 * ```
 */
export type Command = { readonly kind: 'help' } | { readonly kind: 'version' } | { readonly kind: 'serve'; readonly config: ServeConfig };

/**
 * A command line `tsgi` cannot act on; the message says which part and why.
 *
 * @example
 * ```ts
 * throw new UsageError('--port must be an integer from 0 to 65535, got "http"');
 * ```
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export { USAGE } from './usage.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_WORKERS = 256;

/**
 * Parses `argv` (without `node` and the script).
 *
 * @throws UsageError for anything it cannot accept.
 * @example
 * ```ts
 * parseCommandLine(['serve', 'dist/examples/multi/app.js', '--prefix', '/test/foo']);
 * ```
 */
export function parseCommandLine(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        workers: { type: 'string' },
        watch: { type: 'boolean' },
        prefix: { type: 'string' },
        'access-log': { type: 'boolean' },
        'trust-proxy': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        'graceful-timeout': { type: 'string' },
        'keep-alive-timeout': { type: 'string' },
        'headers-timeout': { type: 'string' },
        'request-timeout': { type: 'string' },
        'body-timeout': { type: 'string' },
        'send-timeout': { type: 'string' },
        'max-pipelined': { type: 'string' },
        'max-connections': { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        http2: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    // parseArgs explains itself well ("Unknown option '--prot'"); its codes do not belong in the message.
    throw new UsageError((error as Error).message.replace(/^.*?: /, '').replace(/\. To specify a positional.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  const [command, target, ...extra] = positionals;
  if (command === undefined) throw new UsageError('no command given; the command is "serve"');
  if (command !== 'serve') throw new UsageError(`unknown command ${JSON.stringify(command)}; the command is "serve"`);
  if (target === undefined || target === '') throw new UsageError('serve needs a module: tsgi serve <module>[:<export>]');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const { module, exportName } = splitTarget(target);
  const workers = integerOption('--workers', values.workers, 1, 1, MAX_WORKERS);
  if (values.watch === true && workers > 1) {
    throw new UsageError('--watch restarts one process for development; drop --workers (use --workers without --watch in production)');
  }
  if ((values.cert === undefined) !== (values.key === undefined)) {
    throw new UsageError('--cert and --key go together: give both for HTTPS, or neither');
  }
  if (values.http2 === true && values.cert === undefined) {
    throw new UsageError('--http2 needs --cert and --key: clients speak HTTP/2 only over TLS');
  }
  return {
    kind: 'serve',
    config: {
      module,
      exportName,
      host: values.host ?? '127.0.0.1',
      port: integerOption('--port', values.port, 8080, 0, 65535),
      workers,
      watch: values.watch === true,
      prefix: prefixOption(values.prefix),
      accessLog: values['access-log'] === true,
      trustProxy: trustOption(values['trust-proxy']),
      allowedHosts: allowedHostsOption(values['allowed-hosts']),
      gracefulTimeout: secondsOption('--graceful-timeout', values['graceful-timeout']) ?? 10_000,
      ...timeouts(values['keep-alive-timeout'], values['headers-timeout'], values['request-timeout']),
      bodyTimeout: secondsOption('--body-timeout', values['body-timeout']),
      sendTimeout: secondsOption('--send-timeout', values['send-timeout']),
      maxPipelined: values['max-pipelined'] === undefined ? undefined : integerOption('--max-pipelined', values['max-pipelined'], 16, 1, 10_000),
      maxConnections:
        values['max-connections'] === undefined ? undefined : integerOption('--max-connections', values['max-connections'], 1024, 0, 1_000_000),
      tls:
        values.cert === undefined || values.key === undefined
          ? undefined
          : { cert: readPem('--cert', values.cert), key: readPem('--key', values.key) },
      http2: values.http2 === true ? true : undefined,
    },
  };
}

/** `--allowed-hosts a,b`: each entry checked as the server would. */
function allowedHostsOption(text: string | undefined): readonly string[] | undefined {
  if (text === undefined) return undefined;
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new UsageError('--allowed-hosts needs host names, *.domain patterns, or *');
  try {
    compileAllowedHosts(entries);
  } catch (error) {
    throw new UsageError(`--allowed-hosts: ${(error as Error).message}`);
  }
  return entries;
}

/**
 * Splits `module:export`. Only a trailing identifier counts as the export,
 * so `C:\app.js` and `node:...`-style paths are left whole.
 *
 * @example
 * ```ts
 * splitTarget('dist/app.js:simple_app'); // { module: 'dist/app.js', exportName: 'simple_app' }
 * ```
 */
export function splitTarget(target: string): { module: string; exportName: string | undefined } {
  const colon = target.lastIndexOf(':');
  if (colon > 0) {
    const name = target.slice(colon + 1);
    if (IDENTIFIER.test(name)) return { module: target.slice(0, colon), exportName: name };
    if (name === '') throw new UsageError(`no export after ':' in ${JSON.stringify(target)}`);
  }
  return { module: target, exportName: undefined };
}

function integerOption(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function secondsOption(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value > 86_400) {
    throw new UsageError(`${flag} must be a number of seconds from 0 to 86400, got ${JSON.stringify(text)}`);
  }
  return Math.round(value * 1000);
}

function timeouts(
  keepAlive: string | undefined,
  headers: string | undefined,
  request: string | undefined,
): Pick<ServeConfig, 'keepAliveTimeout' | 'headersTimeout' | 'requestTimeout'> {
  const result = {
    keepAliveTimeout: secondsOption('--keep-alive-timeout', keepAlive),
    headersTimeout: secondsOption('--headers-timeout', headers),
    requestTimeout: secondsOption('--request-timeout', request),
  };
  // Node refuses a head deadline past the whole-request one (0 turns that one off).
  const requestLimit = result.requestTimeout ?? 300_000;
  if (result.headersTimeout !== undefined && requestLimit > 0 && result.headersTimeout > requestLimit) {
    throw new UsageError('--headers-timeout must not exceed --request-timeout (the head is part of the request)');
  }
  return result;
}

function trustOption(text: string | undefined): readonly string[] | number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return integerOption('--trust-proxy', text, 0, 0, 100);
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new UsageError('--trust-proxy needs addresses, subnets, loopback/private/linklocal, or a hop count');
  try {
    compileTrust(entries);
  } catch (error) {
    throw new UsageError(`--trust-proxy: ${(error as Error).message}`);
  }
  return entries;
}

function prefixOption(text: string | undefined): string {
  if (text === undefined) return '';
  const prefix = text.replace(/\/+$/, '');
  if (prefix !== '' && !prefix.startsWith('/')) {
    throw new UsageError(`--prefix must start with '/', got ${JSON.stringify(text)}`);
  }
  if (/[?#%]/.test(prefix) || prefix.includes('//')) {
    throw new UsageError(`--prefix must be a plain path (no '?', '#', '%' or '//'), got ${JSON.stringify(text)}`);
  }
  return prefix;
}

function readPem(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
