/**
 * Trusting reverse proxies' forwarding headers.
 *
 * @module tsgi/middleware/proxy-headers
 */
export { proxyHeaders, type ProxyHeadersOptions } from './proxy-headers.js';
export type { ProxyTrust } from './trust.js';
