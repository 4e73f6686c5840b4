/**
 * Dispatching one request: the `doX` method its path and method choose, run
 * plainly or through its decorators; OPTIONS and 405 when none answers.
 *
 * @module
 */
import { HttpError } from '../gateway/http-error.js';
import { webSocketOf } from '../gateway/websocket.js';
import type { DispatchTable, PathDispatch } from './dispatch.js';
import { invokePlan } from './invoke.js';
import type { ClassPlan, MethodPlan } from './plan.js';
import { requestExtras } from './request.js';
import type { HandlerResponse } from './response-assembly.js';
import type { RoutePattern } from './route-pattern.js';

// A plan's warning is logged on its first request only.
const warned = new WeakSet<MethodPlan>();
// The request methods whose refusal at a class's root has been explained.
const explained = new WeakMap<ClassPlan, Set<string>>();

/**
 * Calls the `doX` method for the request and returns what it returned (or a
 * promise of it); answers OPTIONS with `Allow`, and throws the 404 of an
 * unmatched `@route` or the 405 of a method nothing answers.
 */
export function dispatchRequest(handler: HandlerResponse, plan: ClassPlan): unknown {
  const environ = handler.environ;
  const method = environ.REQUEST_METHOD;
  const path = environ.PATH_INFO;
  const dispatch = plan.route === undefined ? (path === '' || path === '/' ? plan.table.root : plan.table.item) : matchRoute(handler, plan, plan.route, plan.table, path);
  const name = webSocketOf(environ) === undefined ? (dispatch.methods.get(method) ?? (method === 'HEAD' ? dispatch.methods.get('GET') : undefined)) : webSocketMethod(dispatch, path);
  if (name !== undefined) {
    const doMethod = (handler as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
    const decorated = plan.decorated ? plan.methods.get(name) : undefined;
    return decorated == null ? doMethod.call(handler) : invokeDecorated(handler, decorated, doMethod);
  }
  if (method === 'OPTIONS') {
    handler.start('204 No Content', [['Allow', dispatch.allow]]);
    return undefined;
  }
  if (dispatch === plan.table.rootOnly) explainRoot(handler, plan, method);
  throw new HttpError(405, `${method} is not allowed here; allowed: ${dispatch.allow}`, {
    headers: [['Allow', dispatch.allow]],
  });
}

/**
 * The method for a WebSocket handshake, which only `doWEBSOCKET` answers:
 * without one, 426 (the server adds `Upgrade: websocket`, a header the app
 * cannot send), even where `doGET` answers plain GETs.
 */
function webSocketMethod(dispatch: PathDispatch, path: string): string {
  if (dispatch.webSocket !== undefined) return dispatch.webSocket;
  throw new HttpError(426, `${path === '' ? '/' : path} takes no WebSocket connections; plain HTTP requests are answered as usual`);
}

function invokeDecorated(handler: HandlerResponse, decorated: MethodPlan, doMethod: (...args: unknown[]) => unknown): unknown {
  requestExtras(handler).plan = decorated;
  if (decorated.status !== undefined && handler.statusOverride === undefined) handler.statusOverride = decorated.status;
  if (decorated.warning !== undefined && !warned.has(decorated)) {
    warned.add(decorated);
    handler.environ['tsgi.errors'].write(decorated.warning);
  }
  return invokePlan(handler, decorated, doMethod);
}

/** Matches a `@route` pattern, filling the params; returns the dispatch for the path. */
function matchRoute(handler: HandlerResponse, plan: ClassPlan, route: RoutePattern, table: DispatchTable, path: string): PathDispatch {
  if (path === '' || path === '/') {
    if (route.matchesRoot) {
      requestExtras(handler).params = route.match(path)!;
      return table.root;
    }
    if (table.rootOnly.methods.size > 0) return table.rootOnly;
    explainRoot(handler, plan, handler.environ.REQUEST_METHOD);
  } else {
    const params = route.match(path);
    if (params !== undefined) {
      requestExtras(handler).params = params;
      return table.item;
    }
  }
  throw HttpError.notFound(`Nothing here matches ${JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path)}`);
}

/**
 * Logs, once per class and method, why the root of a routed class refuses a
 * method that its item paths answer: the `doX` method answers only paths
 * the pattern matches, and the root takes `doXALL`. The client's answer is
 * the usual 404 or 405; the line is for the author, who wrote `doPOST`
 * expecting `POST /` to reach it.
 */
function explainRoot(handler: HandlerResponse, plan: ClassPlan, method: string): void {
  const itemMethod = plan.table.item.methods.get(method) ?? (method === 'HEAD' ? plan.table.item.methods.get('GET') : undefined);
  if (itemMethod === undefined || plan.route === undefined) return;
  let methods = explained.get(plan);
  if (methods === undefined) explained.set(plan, (methods = new Set()));
  if (methods.has(method)) return;
  methods.add(method);
  const className = (handler.constructor as Function).name;
  const wanted = `do${method === 'HEAD' ? 'GET' : method}ALL`;
  handler.environ['tsgi.errors'].write(
    `tsgi: ${method} at the collection root of ${className} is answered by ${wanted}, which ${className} does not have; ` +
      `its ${itemMethod} answers only paths matching @route(${JSON.stringify(plan.route.source)})\n`,
  );
}
