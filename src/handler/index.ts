/**
 * Class-based request handlers: `BaseHandler`, its decorators, the request
 * and response objects a handler sees, and the value parsers parameters use.
 * Loads reflect-metadata, which reads the parameter types TypeScript emits.
 *
 * @module tsgi/handler
 */
export type { HandlerResult } from './result.js';
export { HandlerRequest } from './request.js';
export type { PathParams } from './route-pattern.js';
export { HandlerResponse } from './response-assembly.js';
export { BaseHandler } from './base-handler.js';
export type { ParamOptions, ParamSource, ParamSpec, ParseFunction, ScalarType, TypeSpec } from './metadata.js';
export { parseBoolean, parseIsoDate, parseNumber } from './coerce.js';
export { negotiateMediaType, preferredMediaType } from './negotiate.js';
export { body, cookie, environ, field, file, header, param, query, session } from './decorators/params.js';
export { accepts, bodyLimit, contentType, responseHeader, status } from './decorators/methods.js';
export { after, before, type AfterHook, type BeforeHook, type ClassOrMethodDecorator } from './decorators/hooks.js';
export { route } from './decorators/route.js';
export type { HandlerClassDecorator, HandlerMethodDecorator } from './decorators/forms.js';
export type { ValueOfType } from './metadata.js';
export type { UntypedParams } from './plan.js';
export type { ValidationIssue, ValidationSource } from './validation.js';
