/**
 * Security response headers: nosniff, Referrer-Policy, framing rules, HSTS.
 *
 * @module tsgi/middleware/security-headers
 */
export { securityHeaders, type SecurityHeadersOptions, type StrictTransportSecurity } from './security-headers.js';
