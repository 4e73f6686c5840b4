/**
 * HTTP Basic authentication.
 *
 * @module tsgi/middleware/basic-auth
 */
export { basicAuth, type BasicAuthOptions } from './basic-auth.js';
export { parseBasicAuth, staticCredentials, type BasicCredentials, type VerifyCredentials } from './credentials.js';
