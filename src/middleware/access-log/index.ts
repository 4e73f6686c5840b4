/**
 * Access logging.
 *
 * @module tsgi/middleware/access-log
 */
export { accessLog, type AccessLogOptions, type AccessLogSink } from './access-log.js';
export { formatAccessLine, type AccessLogEntry, type AccessLogFormat } from './format.js';
