/**
 * The reference server.
 *
 * @module
 */
export { makeServer, TsgiServer, type ListenInfo } from './server.js';
export { DEFAULT_CLOSE_TIMEOUT, type LogSink, type ServerOptions } from './options.js';
