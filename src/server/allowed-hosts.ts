/**
 * Which host names a server answers for: the syntax of a Host value and
 * the allowed-hosts list it is vetted against, so that links and
 * `Location` headers an app builds from `HTTP_HOST` never name a host an
 * attacker chose.
 *
 * Pure functions only, so the proxy-headers middleware can vet
 * `X-Forwarded-Host` by the same rules.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

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
  name: string;
  /** The port as sent (digits, 0–65535), or `undefined` when there is none. */
  port: string | undefined;
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

/**
 * The names every server answers for whatever it is bound to.
 *
 * @example
 * ```ts
 * compileAllowedHosts([...LOOPBACK_HOSTS, 'example.com']);
 * ```
 */
export const LOOPBACK_HOSTS: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '[::1]']);

const ANY_INTERFACE = new Set(['', '0.0.0.0', '::']);

/**
 * The allowed hosts of a server bound to `boundHost` when none were
 * configured: that host plus {@link LOOPBACK_HOSTS}. Bound to all interfaces
 * (`''`, `0.0.0.0`, `::`), it adds the machine's host name and the
 * addresses of its interfaces, and `wide` says so, for the server to warn
 * that a DNS name clients use must be listed.
 *
 * @example
 * ```ts
 * defaultAllowedHosts('127.0.0.1'); // { hosts: ['localhost', '127.0.0.1', '[::1]'], wide: false }
 * ```
 */
export function defaultAllowedHosts(boundHost: string): { hosts: string[]; wide: boolean } {
  const hosts = new Set(LOOPBACK_HOSTS);
  const wide = ANY_INTERFACE.has(boundHost);
  if (!wide) hosts.add(bracket(boundHost));
  else {
    hosts.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) {
        // A link-local address carries a zone (`fe80::1%eth0`), which no
        // Host header can name.
        if (!address.address.includes('%')) hosts.add(bracket(address.address));
      }
    }
  }
  const valid = [...hosts].filter((host) => parseHost(host) !== undefined && host !== '');
  return { hosts: valid, wide };
}

function bracket(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

/**
 * The host check of a server bound to `boundHost`: `configured` when given,
 * else {@link defaultAllowedHosts}, writing a warning to `log` when that
 * default had to guess (bound to all interfaces).
 *
 * @throws TypeError for a configured entry that is not a host.
 * @example
 * ```ts
 * const allows = serverHostCheck('127.0.0.1', undefined, process.stderr);
 * allows('localhost'); // true
 * ```
 */
export function serverHostCheck(boundHost: string, configured: readonly string[] | undefined, log: { write(text: string): unknown }): HostCheck {
  if (configured !== undefined) return compileAllowedHosts(configured);
  const { hosts, wide } = defaultAllowedHosts(boundHost);
  if (wide) {
    log.write(
      `tsgi: warning: listening on all interfaces without allowedHosts; only requests for ${hosts.join(', ')} are answered, ` +
        'others get 400. List the names clients use with allowedHosts (--allowed-hosts, ALLOWED_HOSTS).\n',
    );
  }
  return compileAllowedHosts(hosts);
}

/**
 * The host check of a listener in a server made elsewhere: `configured`
 * when given, else {@link LOOPBACK_HOSTS} and the address the connection
 * reached (the listener cannot know which names the server is meant for).
 *
 * @throws TypeError for a configured entry that is not a host.
 * @example
 * ```ts
 * const allows = listenerHostCheck(undefined);
 * allows('127.0.0.1', req); // true
 * ```
 */
export function listenerHostCheck(configured: readonly string[] | undefined): (name: string, req: IncomingMessage) => boolean {
  if (configured !== undefined) {
    const check = compileAllowedHosts(configured);
    return (name) => check(name);
  }
  const loopback = compileAllowedHosts(LOOPBACK_HOSTS);
  return (name, req) => {
    if (loopback(name)) return true;
    const local = req.socket.localAddress;
    if (local === undefined) return false;
    const plain = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(local)?.[1] ?? local;
    return parseHost(bracket(plain))?.name === name;
  };
}
