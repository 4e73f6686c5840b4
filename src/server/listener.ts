/**
 * The `request` listener: from Node's request to the app's call and back.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChunkInput } from '../gateway/input.js';
import { hasRequestBody } from '../gateway/request-body.js';
import { runResponse } from '../gateway/response/lifecycle.js';
import type { App } from '../gateway/types.js';
import { makeEnviron, type ServerContext } from './environ.js';
import { parseHost, type HostParts } from '../gateway/host.js';
import { hostHeader, hostRefusal, notAllowed, refuseHead, type Refusal } from './refusals.js';
import { SocketTransport } from './socket-transport.js';
import { decodePath, splitAbsoluteTarget } from './target.js';

/**
 * A listener for Node's `request` (and `checkContinue`, `checkExpectation`) events.
 *
 * @example
 * ```ts
 * const listener: RequestListener = createListener(app, context, false);
 * http.createServer(listener);
 * ```
 */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Where a framework in front (Express, Connect) mounted the app for one
 * request: the part of the path it consumed and what is left, both still
 * percent-encoded as they arrived.
 *
 * @example
 * ```ts
 * // GET /legacy/items?x=1 reaching app.use('/legacy', listener)
 * const mount: Mount = { base: '/legacy', rest: '/items?x=1', requestUri: '/legacy/items?x=1' };
 * ```
 */
export interface Mount {
  /** The consumed path, `''` or `/`-led without a trailing `/`; becomes `SCRIPT_NAME`. */
  readonly base: string;
  /** The rest of the target: path (possibly empty) and query; becomes `PATH_INFO` and `QUERY_STRING`. */
  readonly rest: string;
  /** The target as the client sent it, for `REQUEST_URI`. */
  readonly requestUri: string;
}

/**
 * Makes the listener that serves `app`. With `expectContinue`, it is the
 * `checkContinue` listener: `100 Continue` is then sent only when the app
 * starts reading the body, so an upload the app refuses is never sent.
 *
 * @example
 * ```ts
 * server.on('request', createListener(app, context, false));
 * server.on('checkContinue', createListener(app, context, true));
 * ```
 */
export function createListener(
  app: App,
  context: ServerContext,
  expectContinue: boolean,
  mountOf?: (req: IncomingMessage) => Mount | undefined,
): RequestListener {
  return function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const transport = new SocketTransport(req, res, context, expectContinue);
    const refused = refuseHead(req);
    if (refused !== undefined) return refuseWith(transport, req, res, refused);
    const hostValue = hostHeader(req);
    if (typeof hostValue === 'object') return refuseWith(transport, req, res, hostValue);
    const mount = mountOf?.(req);
    const url = mount === undefined ? (req.url as string) : mount.rest;
    if ((mount?.requestUri ?? url).includes('#')) {
      // A client never sends the fragment (RFC 9110 §7.1); one that does
      // would otherwise see it land in PATH_INFO.
      return refuseWith(transport, req, res, { code: 400, reason: 'Bad Request', text: 'Bad Request: a fragment (#) in the request target\n', close: false });
    }
    const star = mount === undefined && url === '*' && req.method === 'OPTIONS';
    let path = '';
    let query = '';
    let host: string | undefined;
    if (mount !== undefined || url.charCodeAt(0) === 0x2f /* '/' */) {
      const question = url.indexOf('?');
      path = question === -1 ? url : url.slice(0, question);
      query = question === -1 ? '' : url.slice(question + 1);
    } else if (!star) {
      const target = splitAbsoluteTarget(url);
      if (target === undefined) {
        transport.reply(400, 'Bad Request', 'Bad Request: unsupported request target\n');
        return;
      }
      const malformed = hostRefusal(target.host as string, 'the authority');
      if (malformed !== undefined) return refuseWith(transport, req, res, malformed);
      ({ path, query, host } = target);
    }
    // The absolute form's authority replaces Host (RFC 9112 §3.2.2), so it is
    // the one vetted; without either (HTTP/1.0), links fall back on the
    // server's own SERVER_NAME.
    const authority = host ?? hostValue;
    if (authority !== undefined) {
      const name = (parseHost(authority) as HostParts).name;
      if (!context.allowsHost(name, req)) return refuseWith(transport, req, res, notAllowed(name));
    }
    if (star) {
      // A question about the server, not about any resource of the app, and
      // there is no PATH_INFO that could say `*`.
      transport.reply(204, 'No Content', '');
      return;
    }
    let pathInfo = decodePath(path);
    if (pathInfo === undefined) {
      transport.reply(400, 'Bad Request', 'Bad Request: malformed percent-encoding in the path\n');
      return;
    }
    const prefix = context.scriptName;
    if (prefix !== '') {
      if (pathInfo !== prefix && !(pathInfo.startsWith(prefix) && pathInfo.charCodeAt(prefix.length) === 0x2f)) {
        transport.reply(404, 'Not Found', 'Not Found\n');
        return;
      }
      pathInfo = pathInfo.slice(prefix.length);
    }
    let scriptName = prefix;
    if (mount !== undefined && mount.base !== '') {
      const base = decodePath(mount.base);
      if (base === undefined) {
        transport.reply(400, 'Bad Request', 'Bad Request: malformed percent-encoding in the path\n');
        return;
      }
      scriptName = base + prefix;
    }
    const environ = makeEnviron(req, context, scriptName, pathInfo, query, host, new ChunkInput(transport));
    if (mount !== undefined) environ.REQUEST_URI = mount.requestUri;
    transport.bodyPending = hasRequestBody(environ);
    runResponse(app, environ, transport);
  };
}

function refuseWith(transport: SocketTransport, req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  // An unread body is not drained for a refusal: the connection closes.
  transport.bodyPending = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  if (refusal.close) res.shouldKeepAlive = false;
  transport.reply(refusal.code, refusal.reason, refusal.text);
}
