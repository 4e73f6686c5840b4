/**
 * Security response headers: nosniff, Referrer-Policy, framing rules, HSTS.
 *
 * @module
 */
export { securityHeaders, type SecurityHeadersOptions, type StrictTransportSecurity } from './security-headers.js';
