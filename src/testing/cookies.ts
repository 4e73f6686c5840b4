/**
 * A small cookie jar for the test client, after RFC 6265 for a single host:
 * `Domain` and `SameSite` are ignored, `Path`, `Max-Age`, `Expires` and
 * `Secure` are honoured.
 *
 * @module
 */
import { isToken } from '../gateway/spec.js';

/**
 * A cookie held by a {@link CookieJar}.
 *
 * @example
 * ```ts
 * const session: Cookie | undefined = client.cookies.list().find((c) => c.name === 'sid');
 * session?.path; // '/'
 * ```
 *
 * @category Cookies
 */
export interface Cookie {
  /** The cookie name. */
  readonly name: string;
  /** The value, without surrounding double quotes if it was quoted. */
  readonly value: string;
  /** The path it is sent for (and below). */
  readonly path: string;
  /** When it expires; `undefined` for a session cookie. */
  readonly expires: Date | undefined;
  /** Sent only when the client's `baseUrl` is https. */
  readonly secure: boolean;
  /** Set with `HttpOnly` (kept for inspection; the jar sends it regardless). */
  readonly httpOnly: boolean;
}

/**
 * Attributes for {@link CookieJar.set}.
 *
 * @example
 * ```ts
 * client.cookies.set('sid', 'abc', { path: '/admin', maxAge: 60 });
 * ```
 *
 * @category Cookies
 */
export interface CookieOptions {
  /** The path it is sent for; default `/`. */
  path?: string;
  /** Lifetime in seconds; `0` or less deletes it. Wins over `expires`. */
  maxAge?: number;
  /** Expiry time; a past time deletes it. */
  expires?: Date;
  /** Send only over https. */
  secure?: boolean;
  /** Mark it `HttpOnly`. */
  httpOnly?: boolean;
}

interface StoredCookie extends Cookie {
  /** The value exactly as received, quotes included, sent back verbatim. */
  readonly raw: string;
  /** Creation order, kept when a cookie is replaced (RFC 6265 §5.3). */
  readonly created: number;
}

/**
 * Cookies received through `Set-Cookie`, sent back as `Cookie` on later
 * requests whose path matches. Expiry is checked against `Date.now()`, so fake
 * timers work. Every {@link TestClient} has one as `client.cookies`.
 *
 * @example
 * ```ts
 * await client.post('/login', { form: { user: 'ada' } }); // app sets sid=…
 * client.cookies.get('sid');        // the session id
 * client.cookies.set('theme', 'dark');
 * client.cookies.clear();
 * ```
 *
 * @category Cookies
 */
export class CookieJar {
  #cookies: StoredCookie[] = [];
  #counter = 0;

  /**
   * The value of the cookie named `name`. With `path`, only a cookie that
   * would be sent for that request path counts. When several match, the one
   * with the longest path wins.
   */
  get(name: string, path?: string): string | undefined {
    return this.#live()
      .filter((cookie) => cookie.name === name && (path === undefined || pathMatches(path, cookie.path)))
      .sort(sendOrder)[0]?.value;
  }

  /**
   * Sets a cookie as if the app had sent it, replacing one with the same name
   * and path. A `maxAge` of `0` or less or a past `expires` deletes it.
   *
   * @throws TypeError when the name is not a token or the value holds `;` or
   *   control characters.
   */
  set(name: string, value: string, options: CookieOptions = {}): void {
    if (!isToken(name)) throw new TypeError(`cookie name ${JSON.stringify(name)} is not a token`);
    if (/[;\x00-\x1f\x7f]/.test(value)) {
      throw new TypeError(`cookie value for ${name} may not contain ";" or control characters`);
    }
    const path = options.path ?? '/';
    if (!path.startsWith('/')) throw new TypeError(`cookie path must start with "/", got ${JSON.stringify(path)}`);
    const expires =
      options.maxAge !== undefined ? new Date(Date.now() + options.maxAge * 1000) : options.expires;
    this.#store({
      name,
      raw: value,
      value,
      path,
      expires,
      expired: options.maxAge !== undefined ? options.maxAge <= 0 : expires !== undefined && expires.getTime() <= Date.now(),
      secure: options.secure ?? false,
      httpOnly: options.httpOnly ?? false,
    });
  }

  /**
   * Removes cookies named `name` (only the one with that `path`, if given).
   * Returns how many were removed.
   */
  delete(name: string, path?: string): number {
    const before = this.#cookies.length;
    this.#cookies = this.#cookies.filter((cookie) => !(cookie.name === name && (path === undefined || cookie.path === path)));
    return before - this.#cookies.length;
  }

  /** Removes every cookie. */
  clear(): void {
    this.#cookies = [];
  }

  /** The unexpired cookies, in the order they would be sent. */
  list(): Cookie[] {
    return this.#live()
      .sort(sendOrder)
      .map(({ name, value, path, expires, secure, httpOnly }) => ({ name, value, path, expires, secure, httpOnly }));
  }

  /**
   * Stores (or deletes) the cookie one `Set-Cookie` header value describes.
   * `requestPath` is the path of the request that received it, which gives
   * the default `Path`. Malformed values are ignored, as browsers do.
   */
  receive(setCookie: string, requestPath: string): void {
    const parsed = parseSetCookie(setCookie, requestPath);
    if (parsed !== undefined) this.#store(parsed);
  }

  /**
   * The `Cookie` header value for a request to `requestPath`, or `undefined`
   * when no cookie matches. `secure` says whether the request is https.
   */
  header(requestPath: string, secure: boolean): string | undefined {
    const cookies = this.#live()
      .filter((cookie) => pathMatches(requestPath, cookie.path) && (secure || !cookie.secure))
      .sort(sendOrder);
    return cookies.length === 0 ? undefined : cookies.map((cookie) => `${cookie.name}=${cookie.raw}`).join('; ');
  }

  #store(cookie: Omit<StoredCookie, 'created'> & { expired: boolean }): void {
    const index = this.#cookies.findIndex((old) => old.name === cookie.name && old.path === cookie.path);
    const created = index === -1 ? this.#counter++ : this.#cookies[index]!.created;
    if (index !== -1) this.#cookies.splice(index, 1);
    if (cookie.expired) return;
    const { expired: _expired, ...rest } = cookie;
    this.#cookies.push({ ...rest, created });
  }

  #live(): StoredCookie[] {
    const now = Date.now();
    this.#cookies = this.#cookies.filter((cookie) => cookie.expires === undefined || cookie.expires.getTime() > now);
    return [...this.#cookies];
  }
}

function sendOrder(a: StoredCookie, b: StoredCookie): number {
  return b.path.length - a.path.length || a.created - b.created;
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  return requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/');
}

/** RFC 6265 §5.1.4 default-path: the request path up to its last `/`. */
function defaultPath(requestPath: string): string {
  const last = requestPath.lastIndexOf('/');
  return !requestPath.startsWith('/') || last <= 0 ? '/' : requestPath.slice(0, last);
}

/** RFC 6265 §5.2, with `Domain` and `SameSite` read past. */
function parseSetCookie(header: string, requestPath: string): (Omit<StoredCookie, 'created'> & { expired: boolean }) | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq === -1) return undefined;
  const name = pair.slice(0, eq).trim();
  const raw = pair.slice(eq + 1).trim();
  if (name === '' || /[\x00-\x1f\x7f]/.test(name + raw)) return undefined;
  const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;

  let path: string | undefined;
  let maxAge: number | undefined;
  let expires: Date | undefined;
  let secure = false;
  let httpOnly = false;
  for (const attribute of attributes) {
    const split = attribute.indexOf('=');
    const key = (split === -1 ? attribute : attribute.slice(0, split)).trim().toLowerCase();
    const argument = split === -1 ? '' : attribute.slice(split + 1).trim();
    if (key === 'path') {
      path = argument.startsWith('/') ? argument : undefined;
    } else if (key === 'max-age') {
      if (/^-?\d+$/.test(argument)) maxAge = Number(argument);
    } else if (key === 'expires') {
      const time = Date.parse(argument);
      if (!Number.isNaN(time)) expires = new Date(time);
    } else if (key === 'secure') {
      secure = true;
    } else if (key === 'httponly') {
      httpOnly = true;
    }
  }
  const now = Date.now();
  if (maxAge !== undefined) expires = new Date(maxAge <= 0 ? 0 : now + maxAge * 1000);
  return {
    name,
    raw,
    value,
    path: path ?? defaultPath(requestPath),
    expires,
    expired: expires !== undefined && expires.getTime() <= now,
    secure,
    httpOnly,
  };
}
