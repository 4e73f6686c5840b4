/**
 * The gateway itself, for those who write middleware, servers or hosts:
 * the interface's types, the checks the spec makes, the response lifecycle
 * every host runs, and the small helpers the spec's conventions need,
 * Server-Sent Events bodies among them (`eventStream`).
 *
 * @module tsgi/gateway
 */
export type * from './types.js';
export { checkHeaders, checkStatus, HOP_BY_HOP_HEADERS, statusAllowsBody } from './spec.js';
export { GATEWAY_RULES, GatewayError, type GatewayRule, type GatewayRuleInfo, type GatewaySide } from './rules.js';
export { reasonPhrase, statusCode, statusLine } from './status.js';
export { HeaderList } from './header-list.js';
export { applicationUri, quotePath, requestUri, shiftPathInfo } from './uri.js';
export { ChunkInput, emptyInput } from './input.js';
export { logError, MemoryErrors, streamErrors } from './errors.js';
export { ANSWER, isAppClass, isAppLike, toApp, wrapApp } from './app.js';
export { isBody, openBody, type BodyReader } from './body.js';
export { hasRequestBody } from './request-body.js';
export { escapeHtml, renderError, type ErrorFormat, type ErrorPageDetails, type RenderedError, type SourceExcerpt, type SourceLine } from './error-page.js';
export { HttpError, type HttpErrorOptions, type ProblemDetails } from './http-error.js';
export { closeBody, proxyBody } from './response/body-proxy.js';
export type { BodyHooks, BodyOutcome, ProxyOptions } from './response/body-hooks.js';
export { HeldResponse, ResponseStart, hasExcInfo, type ReleaseHeaders } from './response/start.js';
export { parseHead, type ResponseHead } from './response/head.js';
export { runResponse } from './response/lifecycle.js';
export type { Transport } from './response/transport.js';
export { eventStream, eventStreamHeaders, EventStream, type EventContext, type EventProducer, type EventStreamOptions } from './sse.js';
export { checkRetry, formatEvent, HEARTBEAT, type EventLike, type ServerEvent } from './sse-frame.js';
export { WEBSOCKET_KEY, webSocketOf, type WebSocketAcceptOptions, type WebSocketClose, type WebSocketConnection, type WebSocketMessage, type WebSocketUpgrade } from './websocket.js';
