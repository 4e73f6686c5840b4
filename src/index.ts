/**
 * tsgi: the TypeScript gateway interface, its reference server, validator,
 * test client and class-based handlers.
 *
 * @module
 */
import 'reflect-metadata';

export type * from './gateway/types.js';
export * from './gateway/spec.js';
export * from './gateway/status.js';
export * from './gateway/header-list.js';
export * from './gateway/uri.js';
export * from './gateway/input.js';
export * from './gateway/errors.js';
export * from './gateway/app.js';
export * from './gateway/body.js';
export { proxyBody, closeBody, type BodyHooks, type BodyOutcome, type ProxyOptions } from './gateway/response/body-proxy.js';
export { HeldResponse, ResponseStart, hasExcInfo, type ReleaseHeaders } from './gateway/response/start.js';
export { parseHead, type ResponseHead } from './gateway/response/head.js';
export { runResponse } from './gateway/response/lifecycle.js';
export type { Transport } from './gateway/response/transport.js';
export * from './gateway/request-body.js';
export * from './gateway/error-page.js';
export * from './gateway/http-error.js';
export * from './body/index.js';
export * from './handler/index.js';
export * from './middleware/url-map/index.js';
export * from './middleware/stack/index.js';
export * from './middleware/basic-auth/index.js';
export * from './middleware/rate-limit/index.js';
export * from './middleware/compress/index.js';
export * from './middleware/access-log/index.js';
export * from './middleware/errors/index.js';
export * from './middleware/cascade/index.js';
export * from './middleware/proxy-headers/index.js';
export * from './middleware/static-files/index.js';
export * from './middleware/session/index.js';
export * from './middleware/security-headers/index.js';
export * from './middleware/csrf/index.js';
export * from './middleware/cors/index.js';
export * from './middleware/decompress/index.js';
export * from './gateway/validator/index.js';
export * from './testing/index.js';
export * from './server/index.js';
export * from './template/index.js';
