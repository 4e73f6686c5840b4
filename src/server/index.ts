/**
 * The reference server.
 *
 * @module tsgi/server
 */
export { makeServer, TsgiServer, type ListenInfo } from './server.js';
export { DEFAULT_CLOSE_TIMEOUT, type LogSink, type ServerOptions } from './options.js';
export { toNodeListener, type NodeListenerOptions } from './node-listener.js';
export { toNodeUpgradeListener, type NodeUpgradeListener, type NodeUpgradeOptions } from './websocket/node-upgrade.js';
export { DEFAULT_WEBSOCKET_LIMITS, type WebSocketOptions } from './websocket/options.js';
export { answerClientErrors } from './client-error.js';
