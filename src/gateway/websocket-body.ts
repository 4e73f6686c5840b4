/**
 * What a host does with the body an app returns after accepting a
 * WebSocket: nothing is sent, and a body that is not a plain array is
 * closed unread, so its `return()` runs as on any response.
 *
 * @module
 */
import { isBody, openBody } from './body.js';
import { isThenable } from './thenable.js';
import type { App, Body } from './types.js';
import type { WebSocketUpgrade } from './websocket.js';

const NOTHING: Body = Object.freeze([]) as unknown as Body;

/**
 * Wraps `app` for one handshake: once `upgrade` has been accepted, the
 * body the app returns is replaced by an empty array (after closing it),
 * which the lifecycle, its connection gone, finishes without a word.
 *
 * @example
 * ```ts
 * runResponse(afterAccept(app, upgrade), environ, transport);
 * ```
 */
export function afterAccept(app: App, upgrade: WebSocketUpgrade): App {
  return (environ, startResponse) => {
    const result = app(environ, startResponse);
    if (isThenable(result)) return Promise.resolve(result).then((body) => settle(body, upgrade));
    return settle(result, upgrade);
  };
}

function settle(body: Body, upgrade: WebSocketUpgrade): Body {
  if (!upgrade.accepted || !isBody(body) || Array.isArray(body)) return body;
  void openBody(body).close();
  return NOTHING;
}
