/**
 * The names an everyday tsgi app needs: the gateway types, the server, the
 * handler base class and its decorators, and `eventStream` for Server-Sent
 * Events. Everything else lives in a subpath
 * named after its layer (`tsgi/gateway`, `tsgi/server`, `tsgi/fetch`,
 * `tsgi/handler`, `tsgi/body`, `tsgi/testing`, `tsgi/template`,
 * `tsgi/validate`, `tsgi/middleware/<name>`), which loads only what it needs.
 *
 * @example
 * ```ts
 * import { BaseHandler, makeServer, route, param } from 'tsgi';
 *
 * @route('/:id')
 * class Todos extends BaseHandler {
 *   doGET(@param('id') id: number) { return `todo ${id}`; }
 * }
 * await makeServer(Todos).listen(8080);
 * ```
 *
 * @module tsgi
 */
export type { App, AppClass, AppLike, Body, Chunk, Environ, ErrorStream, InputStream, ResponseHeaders, Session, StartResponse, Write } from './gateway/types.js';
export { HttpError, type HttpErrorOptions } from './gateway/http-error.js';
export { makeServer, type TsgiServer } from './server/server.js';
export type { ServerOptions } from './server/options.js';
export { BaseHandler } from './handler/base-handler.js';
export type { HandlerResult } from './handler/result.js';
export { body, cookie, environ, field, file, header, param, query, session } from './handler/decorators/params.js';
export { accepts, bodyLimit, contentType, responseHeader, status } from './handler/decorators/methods.js';
export { after, before } from './handler/decorators/hooks.js';
export { route } from './handler/decorators/route.js';
export { eventStream } from './gateway/sse.js';
export type { ServerEvent } from './gateway/sse-frame.js';
