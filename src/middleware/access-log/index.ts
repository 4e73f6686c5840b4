/**
 * Access logging.
 *
 * @module
 */
export { accessLog, type AccessLogOptions, type AccessLogSink } from './access-log.js';
export { formatAccessLine, clfTimestamp, type AccessLogEntry, type AccessLogFormat } from './format.js';
