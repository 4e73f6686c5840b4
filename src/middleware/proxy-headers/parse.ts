/**
 * Reading forwarding headers defensively: every value may be forged or
 * malformed, and each parser answers `undefined` rather than throwing.
 *
 * @module
 */
import { isIP } from 'node:net';
import { unmapIPv4 } from './trust.js';

/** One hop as a forwarding header describes it. */
export interface Hop {
  /** The address the hop received the request from, or `undefined` if unusable (`unknown`, obfuscated, malformed). */
  for: string | undefined;
  proto: string | undefined;
  host: string | undefined;
  prefix: string | undefined;
}

const MAX_HEADER = 8192;
const MAX_HOPS = 64;

/** Splits a comma-separated list, trimming each item. */
function list(value: string | undefined): string[] {
  if (value === undefined || value.length > MAX_HEADER) return [];
  return value.split(',').slice(-MAX_HOPS).map((item) => item.trim());
}

/**
 * A node address from `X-Forwarded-For` or a `Forwarded` `for=`: an IPv4 or
 * IPv6 address, with an optional port (`1.2.3.4:80`, `[::1]:80`) dropped.
 */
export function parseNodeAddress(raw: string): string | undefined {
  let value = raw.trim();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end === -1) return undefined;
    value = value.slice(1, end);
  } else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/.test(value)) {
    value = value.slice(0, value.lastIndexOf(':'));
  }
  value = unmapIPv4(value);
  return isIP(value) === 0 ? undefined : value;
}

/** The hops of `X-Forwarded-For` (with `-Proto`, `-Host`, `-Prefix` aligned from the right), nearest last. */
export function xForwardedHops(environ: Record<string, unknown>): Hop[] {
  const fors = list(environ.HTTP_X_FORWARDED_FOR as string | undefined);
  const protos = list(environ.HTTP_X_FORWARDED_PROTO as string | undefined);
  const hosts = list(environ.HTTP_X_FORWARDED_HOST as string | undefined);
  const prefixes = list(environ.HTTP_X_FORWARDED_PREFIX as string | undefined);
  // Proxies often set -Proto/-Host/-Prefix once rather than appending, so a
  // single value stands for every hop.
  const align = (values: string[], index: number): string | undefined =>
    values.length === 0 ? undefined : values.length === 1 ? values[0] : values[values.length - fors.length + index];
  if (fors.length === 0 && (protos.length > 0 || hosts.length > 0 || prefixes.length > 0)) {
    // A proxy that sends -Proto (say) but no -For still describes one hop.
    return [{ for: undefined, proto: protos.at(-1), host: hosts.at(-1), prefix: prefixes.at(-1) }];
  }
  return fors.map((value, index) => ({
    for: parseNodeAddress(value),
    proto: align(protos, index),
    host: align(hosts, index),
    prefix: align(prefixes, index),
  }));
}

/** The hops of an RFC 7239 `Forwarded` header, nearest last; `undefined` if it does not parse. */
export function forwardedHops(header: string | undefined): Hop[] | undefined {
  if (header === undefined) return [];
  if (header.length > MAX_HEADER) return undefined;
  const hops: Hop[] = [];
  for (const element of splitOutsideQuotes(header, ',')) {
    const hop: Hop = { for: undefined, proto: undefined, host: undefined, prefix: undefined };
    for (const pair of splitOutsideQuotes(element, ';')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) return undefined;
      const key = pair.slice(0, eq).trim().toLowerCase();
      const value = unquote(pair.slice(eq + 1).trim());
      if (value === undefined) return undefined;
      if (key === 'for') hop.for = parseNodeAddress(value);
      else if (key === 'proto') hop.proto = value;
      else if (key === 'host') hop.host = value;
    }
    hops.push(hop);
  }
  return hops.slice(-MAX_HOPS);
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted) {
      current += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === separator && !quoted) {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  return parts;
}

function unquote(value: string): string | undefined {
  if (!value.startsWith('"')) return /^[!#$%&'*+\-.^_`|~0-9A-Za-z:[\]]+$/.test(value) ? value : undefined;
  if (!value.endsWith('"') || value.length < 2) return undefined;
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** `http` or `https`, lower-cased; anything else is refused. */
export function parseProto(value: string | undefined): 'http' | 'https' | undefined {
  const lower = value?.trim().toLowerCase();
  return lower === 'http' || lower === 'https' ? lower : undefined;
}

/** A `host[:port]` a client could have sent: a DNS name, IPv4 or bracketed IPv6, and a port 1–65535. */
export function parseHost(value: string | undefined): { host: string; name: string; port: string | undefined } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?)(?::(\d{1,5}))?$/.exec(value.trim());
  if (match === null || value.length > 255) return undefined;
  const name = match[1]!;
  if (name.startsWith('[') && isIP(name.slice(1, -1)) !== 6) return undefined;
  const port = match[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  return { host: value.trim(), name: name.startsWith('[') ? name : name.toLowerCase(), port };
}

/**
 * A mount prefix from `X-Forwarded-Prefix`, as a decoded `SCRIPT_NAME`
 * (`/app`, no trailing slash), or `undefined` when it is not a clean
 * absolute path: it must start with a single `/` (so `//evil.example` can
 * never become a protocol-relative redirect), hold no backslash, no `.` or
 * `..` segment, no empty segment, no control character, no scheme, no query
 * or fragment, and percent-decode as UTF-8 to the same rules. `''` means no
 * prefix.
 */
export function parsePrefix(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (!/^(?:\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]+)+$/.test(trimmed) || trimmed.length > 1024) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(trimmed);
  } catch {
    return undefined;
  }
  if (/[\u0000-\u001f\u007f\\?#]/.test(decoded) || decoded.includes('//')) return undefined;
  if (decoded.split('/').some((segment, i) => i > 0 && (segment === '' || segment === '.' || segment === '..'))) return undefined;
  return decoded;
}
