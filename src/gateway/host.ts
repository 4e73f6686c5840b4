/**
 * Host names: the syntax of a Host value (RFC 9110 §7.2, RFC 3986 §3.2.2)
 * and the matching of an allowed-hosts list, so that the servers and the
 * proxy-headers middleware vet `Host` and `X-Forwarded-Host` by one rule.
 *
 * @module
 */

/**
 * A Host value taken apart: `name` is lower-cased, an IPv6 literal keeps its
 * brackets in canonical form (`[::1]`), and a trailing dot is dropped.
 *
 * @example
 * ```ts
 * const host: HostParts = { name: 'example.com', port: '8080' };
 * ```
 */
export interface HostParts {
  /** The host without its port, normalised for comparison. */
  readonly name: string;
  /** The port as sent (digits, 0–65535), or `undefined` when there is none. */
  readonly port: string | undefined;
}

// RFC 3986 §3.2.2: reg-name = *( unreserved / pct-encoded / sub-delims ),
// which covers IPv4 addresses too.
const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
// IP-literal = "[" ( IPv6address / IPvFuture ) "]"; IPv6 is checked by URL.
const IP_FUTURE = /^v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/i;
const MAX_HOST = 255 + 8;

/**
 * Parses a Host header or an absolute-form authority (RFC 9110 §7.2:
 * `uri-host [ ":" port ]`). Returns `undefined` when it is not one: a bad
 * character, an unclosed `[`, a port that is empty, not digits or above
 * 65535, or userinfo (`a@b`). The empty value is valid (RFC 9110 §7.2 lets a
 * client send it for a target without authority) and gives `name` `''`.
 *
 * @example
 * ```ts
 * parseHost('Example.COM:8080'); // { name: 'example.com', port: '8080' }
 * parseHost('[::1]:3000');       // { name: '[::1]', port: '3000' }
 * parseHost('x:99999');          // undefined
 * ```
 */
export function parseHost(value: string): HostParts | undefined {
  // Clients send the same few Host values on every request, so each is
  // parsed once; the cap keeps a client inventing hosts from growing it.
  const known = PARSED.get(value);
  if (known !== undefined) return known === null ? undefined : known;
  const parsed = parseHostOnce(value);
  const shared = parsed === undefined ? undefined : Object.freeze(parsed);
  if (PARSED.size >= MAX_PARSED) PARSED.clear();
  PARSED.set(value, shared ?? null);
  return shared;
}

const PARSED = new Map<string, HostParts | null>();
const MAX_PARSED = 256;

function parseHostOnce(value: string): HostParts | undefined {
  if (value.length > MAX_HOST) return undefined;
  let name: string;
  let rest: string;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end === -1) return undefined;
    const literal = ipLiteral(value.slice(1, end));
    if (literal === undefined) return undefined;
    name = literal;
    rest = value.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
  } else {
    const colon = value.indexOf(':');
    name = colon === -1 ? value : value.slice(0, colon);
    rest = colon === -1 ? '' : value.slice(colon);
    if (!REG_NAME.test(name)) return undefined;
    name = name.toLowerCase();
    if (name.endsWith('.') && name.length > 1) name = name.slice(0, -1);
  }
  if (rest === '') return { name, port: undefined };
  const port = rest.slice(1);
  // RFC 3986 allows an empty port but asks producers to omit the `:`; a
  // Host that does otherwise is refused rather than guessed at.
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) return undefined;
  return { name, port };
}

function ipLiteral(inside: string): string | undefined {
  if (IP_FUTURE.test(inside)) return `[${inside.toLowerCase()}]`;
  if (!/^[0-9A-Fa-f:.]+$/.test(inside) || !inside.includes(':')) return undefined;
  try {
    // The URL parser writes IPv6 in its canonical form, so `[0:0::1]` and
    // `[::1]` compare equal.
    return new URL(`http://[${inside}]/`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * A predicate over normalised host names ({@link HostParts.name}).
 *
 * @example
 * ```ts
 * const allows: HostCheck = compileAllowedHosts(['example.com']);
 * allows('example.com'); // true
 * ```
 */
export type HostCheck = (name: string) => boolean;

/**
 * Compiles an allowed-hosts list. Each entry is a host name or address
 * without a port (`example.com`, `127.0.0.1`, `[::1]`), a pattern
 * `*.example.com` for every subdomain (not `example.com` itself: list it
 * too), or `*` for any host at all, which turns the check off. Matching is
 * case-insensitive and ignores the port.
 *
 * @throws TypeError for an entry that is not a host, or that has a port.
 * @example
 * ```ts
 * const allows = compileAllowedHosts(['example.com', '*.example.com']);
 * allows('www.example.com'); // true
 * allows('evil.example');    // false
 * ```
 */
export function compileAllowedHosts(entries: readonly string[]): HostCheck {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    if (entry === '*') return () => true;
    const wildcard = entry.startsWith('*.');
    const parts = parseHost(wildcard ? entry.slice(2) : entry);
    if (parts === undefined || parts.name === '' || parts.port !== undefined) {
      throw new TypeError(`allowedHosts entry ${JSON.stringify(entry)} is not a host name, an address, *.domain or *`);
    }
    if (wildcard) suffixes.push(`.${parts.name}`);
    else exact.add(parts.name);
  }
  return (name) => exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
}
