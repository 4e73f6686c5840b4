/**
 * Judging a WebSocket handshake before the app runs: whether the request
 * asks for a WebSocket at all, whether it is a well-formed one (RFC 6455
 * §4.2.1), and whether its page's origin may open one.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocketLimits } from './options.js';

// The base64 form of 16 bytes: 22 characters and the padding.
const KEY = /^[+/0-9A-Za-z]{22}==$/;

function tokens(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined.split(',').map((token) => token.trim().toLowerCase());
}

/**
 * Whether the request asks to upgrade to a WebSocket (`Upgrade: websocket`),
 * well-formed or not.
 *
 * @example
 * ```ts
 * if (asksForWebSocket(req)) answerHandshake(req, socket, head);
 * ```
 */
export function asksForWebSocket(req: IncomingMessage): boolean {
  return tokens(req.headers.upgrade).includes('websocket');
}

/**
 * What makes a WebSocket handshake malformed, as the text of its `400`
 * answer, or `undefined` when it is well-formed.
 *
 * @example
 * ```ts
 * const problem = handshakeProblem(req); // 'Bad Request: Sec-WebSocket-Version must be 13, got "8"\n'
 * ```
 */
export function handshakeProblem(req: IncomingMessage): string | undefined {
  const problem = (text: string): string => `Bad Request: ${text}\n`;
  if (req.method !== 'GET') return problem(`a WebSocket handshake is a GET request, not ${req.method}`);
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor < 1) return problem(`a WebSocket handshake needs HTTP/1.1, got HTTP/${req.httpVersion}`);
  if (!tokens(req.headers.connection).includes('upgrade')) return problem('a WebSocket handshake needs Connection: upgrade');
  const key = req.headers['sec-websocket-key'];
  if (key === undefined) return problem('a WebSocket handshake needs a Sec-WebSocket-Key header');
  if (!KEY.test(key.trim())) return problem('Sec-WebSocket-Key must be 16 bytes in base64 (24 characters)');
  const version = req.headers['sec-websocket-version'];
  if (version?.trim() !== '13') return problem(`Sec-WebSocket-Version must be 13, got ${JSON.stringify(version ?? '')}`);
  if (req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0') {
    return problem('a WebSocket handshake has no request body');
  }
  return undefined;
}

/**
 * Whether the page that opens the connection may: a handshake without
 * `Origin` is not from a browser and passes; else the origin must be listed,
 * or, by default, be the origin the request's `Host` names.
 *
 * @example
 * ```ts
 * if (!originAllowed(req, limits)) reply(403, 'Forbidden', 'Forbidden: …');
 * ```
 */
export function originAllowed(req: IncomingMessage, limits: WebSocketLimits): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const allowed = limits.allowedOrigins;
  if (allowed !== undefined) return allowed.has('*') || allowed.has(origin.trim().toLowerCase());
  const host = req.headers.host;
  if (host === undefined) return false;
  try {
    const page = new URL(origin.trim());
    if (page.protocol !== 'http:' && page.protocol !== 'https:') return false;
    // Host carries no scheme; read with the page's, a default port drops out on both sides.
    return page.host === new URL(`${page.protocol}//${host.trim()}`).host;
  } catch {
    // `null` (a sandboxed page or a file) and other non-URLs are no origin to trust.
    return false;
  }
}
