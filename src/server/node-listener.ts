/**
 * A tsgi app as a plain Node `request` listener, for servers made elsewhere
 * (`http.createServer`, `https.createServer`) and for mounting inside
 * Express 5 or Connect.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { toApp } from '../gateway/app.js';
import { streamErrors } from '../gateway/errors.js';
import type { AppLike, ErrorStream } from '../gateway/types.js';
import type { ServerContext } from './environ.js';
import { listenerHostCheck } from './allowed-hosts.js';
import { createListener, type Mount } from './listener.js';
import { checkScriptName } from './options.js';

/**
 * Options for {@link toNodeListener}; every field is optional.
 *
 * @example
 * ```ts
 * const options: NodeListenerOptions = { scriptName: '/app', multiprocess: true };
 * ```
 *
 * @category Node adapters
 */
export interface NodeListenerOptions {
  /** `environ['tsgi.errors']`, also where failures are logged. Default: {@link streamErrors} on `process.stderr`. */
  errors?: ErrorStream;
  /**
   * A mount prefix of the listener's own, below any framework mount path:
   * `''` or `/`-led without a trailing `/`. Requests outside it get `404`.
   * Default: `''`.
   */
  scriptName?: string;
  /** `environ['tsgi.multiprocess']`. Default: false. */
  multiprocess?: boolean;
  /**
   * `environ['tsgi.url_scheme']`. Default: `https` on a TLS connection,
   * else `http`.
   */
  urlScheme?: string;
  /**
   * The host names requests may name, as for `makeServer`: any other gets
   * `400` before the app runs. Entries are names or addresses without a
   * port, `*.example.com` for subdomains, or `*` for any host. Default:
   * `localhost`, `127.0.0.1`, `[::1]` and the address the connection
   * reached, since the listener cannot know the server's names; list them.
   */
  allowedHosts?: readonly string[];
}

/**
 * The request as Express and Connect hand it on: `baseUrl` is the part of
 * the path the mount consumed and `originalUrl` the target as sent, while
 * `url` has been cut down to the rest.
 */
interface MountedRequest extends IncomingMessage {
  baseUrl?: unknown;
  originalUrl?: unknown;
}

/**
 * Returns a `(req, res)` listener serving `app`, with the reference server's
 * environ, response checks, streaming and `return()` handling. Mounted in
 * Express (`app.use('/legacy', listener)`), `SCRIPT_NAME` is the mount path
 * (`req.baseUrl`) and `PATH_INFO` what follows it. The listener never calls
 * `next`: the tsgi app answers every request that reaches it, 404 included.
 *
 * @example
 * ```ts
 * import express from 'express';
 * const site = express();
 * site.use('/legacy', toNodeListener(GuessHandler));
 * site.listen(8080);
 *
 * // or on its own
 * http.createServer(toNodeListener(simpleApp)).listen(8080);
 * ```
 *
 * @category Node adapters
 */
export function toNodeListener(
  app: AppLike,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const target = toApp(app);
  const contexts = listenerContexts(options);
  const handlePlain = createListener(target, contexts.plain, false, mountOf);
  const handleSecure = createListener(target, contexts.secure, false, mountOf);
  return function tsgiListener(req: IncomingMessage, res: ServerResponse): void {
    if (encryptedFor(contexts, req)) handleSecure(req, res);
    else handlePlain(req, res);
  };
}

/**
 * The contexts of a listener on a server made elsewhere: one for plain
 * connections and one for TLS ones, filled in per request by
 * {@link encryptedFor}.
 *
 * @example
 * ```ts
 * const contexts = listenerContexts({ scriptName: '/app' });
 * ```
 */
export function listenerContexts(options: NodeListenerOptions): ListenerContexts {
  const errors = options.errors ?? streamErrors();
  const scriptName = checkScriptName(options.scriptName ?? '');
  const multiprocess = options.multiprocess ?? false;
  const allowsHost = listenerHostCheck(options.allowedHosts);
  const makeContext = (urlScheme: string): ServerContext => ({
    errors,
    urlScheme,
    multiprocess,
    scriptName,
    serverName: '',
    serverPort: '',
    // The server belongs to someone else, who decides when it closes.
    closing: false,
    closeIdle: () => {},
    allowsHost,
  });
  return { plain: makeContext(options.urlScheme ?? 'http'), secure: makeContext(options.urlScheme ?? 'https') };
}

/**
 * Whether `req` came over TLS, after filling the matching context's server
 * name and port from its connection.
 *
 * @example
 * ```ts
 * (encryptedFor(contexts, req) ? handleSecure : handlePlain)(req, res);
 * ```
 */
export function encryptedFor(contexts: ListenerContexts, req: IncomingMessage): boolean {
  const socket = req.socket as Partial<TLSSocket> & IncomingMessage['socket'];
  const encrypted = socket.encrypted === true;
  const context = encrypted ? contexts.secure : contexts.plain;
  // The handler reads these while building the environ, synchronously,
  // so setting them per request cannot leak into another request.
  context.serverName = socket.localAddress ?? '';
  context.serverPort = String(socket.localPort ?? '');
  return encrypted;
}

/**
 * The two contexts {@link listenerContexts} makes.
 *
 * @example
 * ```ts
 * const { plain, secure }: ListenerContexts = listenerContexts({});
 * ```
 */
export interface ListenerContexts {
  /** For connections without TLS. */
  readonly plain: ServerContext;
  /** For TLS connections. */
  readonly secure: ServerContext;
}

function mountOf(req: IncomingMessage): Mount | undefined {
  const { baseUrl, originalUrl } = req as MountedRequest;
  if (typeof baseUrl !== 'string' || baseUrl === '' || typeof originalUrl !== 'string') return undefined;
  const base = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  // The rest is cut from the original target rather than taken from
  // `req.url`, which Express turns into `/` for both `/legacy` and
  // `/legacy/`; PATH_INFO keeps that difference, as PEP 3333 asks.
  if (originalUrl.startsWith(base)) {
    const rest = originalUrl.slice(base.length);
    if (rest === '' || rest.charCodeAt(0) === 0x2f || rest.charCodeAt(0) === 0x3f) {
      return { base, rest, requestUri: originalUrl };
    }
  }
  return { base, rest: req.url ?? '/', requestUri: originalUrl };
}
