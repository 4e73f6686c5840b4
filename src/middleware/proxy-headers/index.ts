/**
 * Trusting reverse proxies' forwarding headers.
 *
 * @module
 */
export { proxyHeaders, type ProxyHeadersOptions } from './proxy-headers.js';
export { compileTrust, type ProxyTrust } from './trust.js';
