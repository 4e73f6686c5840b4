/**
 * Class-based request handlers and their decorators.
 *
 * @module
 */
export * from './result.js';
export { HandlerRequest } from './request.js';
export { HandlerResponse } from './response-assembly.js';
export * from './base-handler.js';
export * from './dispatch.js';
export type { ParamOptions, ParamSource, ParamSpec, ParseFunction, ScalarType, TypeSpec } from './metadata.js';
export { parseBoolean, parseIsoDate, parseNumber } from './coerce.js';
export * from './route-pattern.js';
export * from './negotiate.js';
export * from './decorators/params.js';
export * from './decorators/methods.js';
export * from './decorators/hooks.js';
export * from './decorators/route.js';
