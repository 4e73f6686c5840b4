/**
 * The reference server.
 *
 * @module tsgi/server
 */
export { makeServer, TsgiServer, type ListenInfo } from './server.js';
export { DEFAULT_CLOSE_TIMEOUT, type LogSink, type ServerOptions } from './options.js';
export { toNodeListener, type NodeListenerOptions } from './node-listener.js';
export { answerClientErrors } from './client-error.js';
