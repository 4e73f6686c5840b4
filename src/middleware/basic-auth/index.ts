/**
 * HTTP Basic authentication.
 *
 * @module
 */
export { basicAuth, type BasicAuthOptions } from './basic-auth.js';
export { parseBasicAuth, staticCredentials, type BasicCredentials, type VerifyCredentials } from './credentials.js';
