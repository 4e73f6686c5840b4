/**
 * `BaseHandler`: one instance per request, dispatching to `doGET`, `doPOST`, …
 *
 * @module
 */
import { ANSWER } from '../gateway/app.js';
import type { Body, Chunk, Environ, StartResponse } from '../gateway/types.js';
import { answerNow } from './fast-path.js';
import { classPlan, type ClassPlan, type UntypedParams } from './plan.js';
import { refuse, respond, UNDISPATCHED } from './respond.js';
import { HandlerResponse } from './response-assembly.js';
import { acceptWebSocket } from './websocket.js';
import type { WebSocketAcceptOptions, WebSocketConnection } from '../gateway/websocket.js';

/**
 * The base of class-based handlers. The server constructs one instance per
 * request with `(environ, startResponse)`, and the instance is the response
 * body. Iterating it calls `'do' + REQUEST_METHOD`, or at the collection root
 * (`PATH_INFO` of `''` or `'/'`) `'do' + REQUEST_METHOD + 'ALL'` when defined.
 * HEAD falls back to GET without the body, OPTIONS answers 204 with `Allow`,
 * and any other method gets 405 with the exact `Allow` for that path.
 *
 * A method may call `this.start(status, headers)` as in WSGI, or skip it to
 * answer `200 OK` (or {@link HandlerResponse.statusOverride}) as
 * `text/html; charset=utf-8`. Throwing an {@link tsgi!HttpError} answers with it,
 * in a form negotiated from `Accept` (problem+json, HTML or text). Any other
 * error reaches the host, as any app's error does: the server answers its
 * generic 500 and logs it, `showErrors` shows it, and `TestClient` rejects
 * with it.
 *
 * The request accessors and body helpers come from {@link "tsgi/handler"!HandlerRequest},
 * `start()` and the status from {@link HandlerResponse}.
 *
 * Decorators add to this dispatch without replacing it: `@route` gives item
 * paths a pattern (filling {@link "tsgi/handler"!HandlerRequest.params}), parameter
 * decorators bind `doX` arguments, method decorators set status, headers,
 * accepted types, body limits and hooks. See `docs/handlers.md`.
 *
 * @example
 * ```ts
 * class Greeting extends BaseHandler {
 *   doGET() {
 *     this.start('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
 *     return `Hello, ${this.query.name?.[0] ?? 'world'}!\n`;
 *   }
 *   async doPOST() {
 *     const fields = await this.parseFields();
 *     this.statusOverride = '201 Created';
 *     return this.doGET();
 *   }
 * }
 * makeServer('127.0.0.1', 8080, Greeting).serveForever();
 * ```
 *
 * @category Handler
 */
export class BaseHandler extends HandlerResponse implements AsyncIterable<Chunk> {
  /**
   * What the class does with a decorated parameter whose type is not known
   * at run time (compiled without decorator metadata, as tsx and esbuild
   * do, or declared as a union, interface or `any`): by default the class is
   * refused when its App is made, naming the fix (`emitDecoratorMetadata`,
   * or an explicit type such as `@param('id', { type: Number })`). `'warn'`
   * accepts such parameters as strings, warning at startup and in the first
   * request's `tsgi.errors`.
   *
   * @example
   * ```ts
   * class Legacy extends BaseHandler {
   *   static override untypedParams: UntypedParams = 'warn';
   * }
   * ```
   */
  static untypedParams: UntypedParams = 'refuse';

  /**
   * Request methods outside the IANA registry that `doX` methods of the
   * class answer. An all-caps `doX` for any other unknown method is refused
   * as a likely misspelling (`doGETT`).
   *
   * @example
   * ```ts
   * class Cache extends BaseHandler {
   *   static override extensionMethods = ['BAN'];
   *   doBAN() { return 'banned'; }
   * }
   * ```
   */
  static extensionMethods: readonly string[] = [];

  /**
   * How hosts answer with the class (through `toApp`): the method runs at
   * once, and a whole body it returns (or resolves to) is sent as an array,
   * without an async iteration.
   *
   * A getter, so that reading it, which `toApp` does when the App is made
   * (by `makeServer`, `tsgi serve`, a middleware or `TestClient`), plans the
   * class: a class its decorators or `doX` names cannot describe throws
   * there, at startup, rather than answering requests wrongly.
   */
  static get [ANSWER](): (this: unknown, environ: Environ, startResponse: StartResponse) => Body | Promise<Body> {
    const handlerClass = this as unknown as new (environ: Environ, startResponse: StartResponse) => BaseHandler;
    const plan = classPlan(handlerClass, BaseHandler);
    return (environ, startResponse) => answerNow(new handlerClass(environ, startResponse), plan);
  }

  /**
   * Accepts the request's WebSocket handshake, from `doWEBSOCKET` (which a
   * handshake to the class's path reaches, with its route params bound as
   * for `doGET`). The method may refuse instead, by throwing an
   * {@link tsgi!HttpError} before accepting. Once accepted, the handler
   * sends no status and no body, whatever the method returns; the
   * connection lives on after it returns. Rejects with a 426 when the
   * request is no handshake.
   *
   * @example
   * ```ts
   * @route('/rooms/:room')
   * class Room extends BaseHandler {
   *   async doWEBSOCKET(@param('room') room: string) {
   *     const socket = await this.acceptWebSocket();
   *     for await (const message of socket) await socket.send(`${room}: ${String(message)}`);
   *   }
   * }
   * ```
   */
  acceptWebSocket(options?: WebSocketAcceptOptions): Promise<WebSocketConnection> {
    return acceptWebSocket(this.environ, options);
  }

  /** Iterating the handler runs the request. */
  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    let plan: ClassPlan;
    try {
      plan = classPlan(this.constructor, BaseHandler);
    } catch (error) {
      return refuse(this, error);
    }
    return respond(this, plan, UNDISPATCHED);
  }
}
