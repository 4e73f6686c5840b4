/**
 * The reference server.
 *
 * @module
 */
export { makeServer, TsgiServer, type ListenInfo } from './server.js';
export { DEFAULT_CLOSE_TIMEOUT, type LogSink, type ServerOptions } from './options.js';
export { toNodeListener, type NodeListenerOptions } from './node-listener.js';
export { toFetchHandler, type FetchHandler, type FetchHandlerOptions } from './fetch-handler.js';
export { fromFetchHandler } from './from-fetch.js';
export { answerClientErrors } from './client-error.js';
