/**
 * The shape of a hostile case: the bytes a client sends, what the site must
 * answer, and where it must not write.
 */
import type { Exchange, Piece } from '../../support/raw-exchange.js';
import type { SiteProcess } from '../../support/site-process.js';

/** The kinds of bad input the corpus covers. */
export type Category = 'framing' | 'paths' | 'bodies' | 'sessions' | 'auth' | 'headers-out' | 'aborts' | 'slow';

/** A data directory of the site that a case may be allowed to change. */
export type Watched = 'blog' | 'uploads' | 'sessions';

/** One response the site must send. */
export interface ExpectedResponse {
  readonly status: number;
  /** A substring of the body (the short text the server or app answers with). */
  readonly body?: string;
  /** Header values: a string is exact, a RegExp must match, `null` means absent. */
  readonly headers?: Readonly<Record<string, string | RegExp | null>>;
}

/** What a case's test can use beyond its exchange. */
export interface CaseContext {
  readonly site: SiteProcess;
  /** Values a case's `setup` leaves for its `send` (a cookie, say). */
  readonly vars: Map<string, string>;
}

/** One hostile request (or a short exchange) and what must follow. */
export interface HostileCase {
  readonly name: string;
  readonly category: Category;
  /** The bytes as sent: a string is latin1, so every byte value can be spelled. */
  readonly send: string | readonly Piece[] | ((context: CaseContext) => readonly Piece[]);
  /**
   * The responses on the connection, in order; `closed`: the server closes
   * without answering; `dropped`: the client resets, and what matters is
   * what the server does afterwards.
   */
  readonly expect: readonly ExpectedResponse[] | 'closed' | 'dropped';
  /** Whether the server must close the connection after the responses (checked when given). */
  readonly closes?: boolean;
  /** The only changes the case may make, by directory (relative paths; default: none anywhere). */
  readonly writes?: Partial<Record<Watched, readonly (string | RegExp)[]>>;
  /** A line the error log must gain during the case. */
  readonly log?: RegExp;
  /** What the error log must not gain during the case. */
  readonly logAbsent?: RegExp;
  /** Positions of responses to HEAD requests (no body follows their head). */
  readonly headless?: readonly number[];
  /** The exchange's deadline in ms (default 4 000). */
  readonly timeoutMs?: number;
  /** Runs before the directories are snapshotted, e.g. to create an entry or get a cookie. */
  readonly setup?: (context: CaseContext) => Promise<void>;
  /** Further checks on the exchange. */
  readonly check?: (exchange: Exchange, context: CaseContext) => void | Promise<void>;
}

/** `Host` for every request: the site allows 127.0.0.1 and localhost. */
export const HOST = 'Host: 127.0.0.1';
/** Asks the server to close after answering, so a case ends as soon as it is answered. */
export const CLOSE = 'Connection: close';

/** A request head from its lines (CRLF-joined, the blank line added), then the body as given. */
export function http(lines: readonly string[], body = ''): string {
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A simple GET of `target` with Host and Connection: close. */
export function get(target: string, ...extra: string[]): string {
  return http([`GET ${target} HTTP/1.1`, HOST, ...extra, CLOSE]);
}

/** A request with a Content-Length body. */
export function withBody(method: string, target: string, headers: readonly string[], body: string): string {
  return http([`${method} ${target} HTTP/1.1`, HOST, ...headers, `Content-Length: ${Buffer.byteLength(body, 'latin1')}`, CLOSE], body);
}

/** The headers `securityHeaders` puts on every page of the site. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'content-security-policy': "frame-ancestors 'self'",
  'x-frame-options': 'SAMEORIGIN',
} as const;

/** A multipart body of `parts` (name, optional filename, content) with boundary `XX`. */
export function multipart(parts: readonly { name: string; filename?: string; content: string; type?: string }[], boundary = 'XX'): string {
  const sections = parts.map(({ name, filename, content, type }) => {
    const disposition = `Content-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}`;
    return `--${boundary}\r\n${disposition}\r\n${type === undefined ? '' : `Content-Type: ${type}\r\n`}\r\n${content}\r\n`;
  });
  return `${sections.join('')}--${boundary}--\r\n`;
}

/** A POST of a multipart body to the upload page. */
export function upload(body: string, contentType = 'multipart/form-data; boundary=XX', extra: readonly string[] = []): string {
  return withBody('POST', '/upload/', [`Content-Type: ${contentType}`, ...extra], body);
}
