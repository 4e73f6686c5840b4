/**
 * Believing `X-Forwarded-*` and `Forwarded` headers, from trusted proxies only.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { toApp, wrapApp } from '../../gateway/app.js';
import { compileAllowedHosts, parseHost as parseHostName, type HostCheck } from '../../gateway/host.js';
import type { App, AppLike, Environ, StartResponse } from '../../gateway/types.js';
import { forwardedHops, parseHost, parsePrefix, parseProto, xForwardedHops, type Hop } from './parse.js';
import { compileTrust, unmapIPv4, type ProxyTrust } from './trust.js';

/**
 * Options for {@link proxyHeaders}.
 *
 * @example
 * ```ts
 * const options: ProxyHeadersOptions = { trust: ['loopback'], header: 'x-forwarded' };
 * ```
 *
 * @category Middleware
 */
export interface ProxyHeadersOptions {
  /** Which peers may speak for the client; see {@link ProxyTrust}. */
  trust: ProxyTrust;
  /**
   * Which header family the proxies set: `x-forwarded` (`X-Forwarded-For`,
   * `-Proto`, `-Host`, `-Prefix`; nginx, HAProxy, most load balancers), the
   * default, or `forwarded` (RFC 7239 `Forwarded`). Only one is read, since a
   * client could otherwise forge whichever one the proxy does not overwrite.
   */
  header?: 'x-forwarded' | 'forwarded';
  /**
   * The host names a trusted proxy may forward (`X-Forwarded-Host`,
   * `host=`), with the server's `allowedHosts` syntax: names or addresses
   * without a port, `*.example.com`, or `*`. Another host gets `400` here,
   * before the app can build a link from it. Default: none, any well-formed
   * host is believed; give the list whenever the proxy passes on the
   * client's Host (nginx's `$host` does).
   */
  allowedHosts?: readonly string[];
}

/**
 * Restores what a reverse proxy hid: the client's address, scheme, host and
 * the path prefix the app is mounted under, from the forwarding headers,
 * believing only hops that `trust` covers.
 *
 * The hops are walked from the nearest (the peer, `REMOTE_ADDR`) outwards:
 * while the current address is trusted, the next address to the left
 * becomes the client. The walk stops at the first untrusted address, which
 * is the client, so addresses a client put in the header itself are never
 * believed. From the outermost trusted hop it then takes:
 *
 * - `REMOTE_ADDR` ← the client address (ports and IPv6 brackets removed);
 * - `tsgi.url_scheme` ← `X-Forwarded-Proto` / `proto=` (`http` or `https`
 *   only), with `SERVER_PORT` set to that scheme's default port when the host
 *   names none;
 * - `HTTP_HOST`, `SERVER_NAME`, `SERVER_PORT` ← `X-Forwarded-Host` / `host=`;
 * - `SCRIPT_NAME` ← `X-Forwarded-Prefix` + `SCRIPT_NAME`.
 *
 * A value that does not parse is **ignored with a warning** in `tsgi.errors`
 * and the request goes on as if it were absent (no 400: the header came from
 * a proxy the operator trusts, and ignoring it is always safe). In
 * particular a prefix must be a clean absolute path: `//evil.example`,
 * `/\evil`, `..` segments, control characters and schemes are refused, so
 * links built from `SCRIPT_NAME` can never point off-site. An unusable
 * address (`unknown`, an obfuscated `_name`) stops the walk at the proxy.
 * Requests from untrusted peers are passed on untouched.
 *
 * @example
 * ```ts
 * // nginx on the same machine: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; …
 * const app = proxyHeaders(site, { trust: ['loopback'] });
 * ```
 *
 * @category Middleware
 */
export function proxyHeaders(app: AppLike, options: ProxyHeadersOptions): App {
  const inner = toApp(app);
  const trusted = compileTrust(options.trust);
  const mode = options.header ?? 'x-forwarded';
  const allows = options.allowedHosts === undefined ? undefined : compileAllowedHosts(options.allowedHosts);

  return wrapApp(app, function proxied(environ: Environ, startResponse: StartResponse) {
    const peer = unmapIPv4(environ.REMOTE_ADDR);
    if (trusted(peer, 0)) {
      const refused = apply(environ, mode, trusted, peer, allows);
      if (refused !== undefined) {
        const text = `Bad Request: forwarded host ${JSON.stringify(refused.slice(0, 100))} is not allowed\n`;
        startResponse('400 Bad Request', [
          ['Content-Type', 'text/plain; charset=utf-8'],
          ['Content-Length', String(Buffer.byteLength(text))],
        ]);
        return [text];
      }
    }
    return inner(environ, startResponse);
  });
}

/** Applies the chosen hop to `environ`; returns the forwarded host name when `allows` refuses it. */
function apply(
  environ: Environ,
  mode: 'x-forwarded' | 'forwarded',
  trusted: (address: string, hop: number) => boolean,
  peer: string,
  allows: HostCheck | undefined,
): string | undefined {
  const hops = mode === 'forwarded' ? forwardedHops(environ.HTTP_FORWARDED) : xForwardedHops(environ);
  if (hops === undefined) {
    warn(environ, 'Forwarded header does not parse; ignored');
    return undefined;
  }
  let address = peer;
  let chosen: Hop | undefined;
  for (let i = hops.length - 1, hop = 0; i >= 0 && trusted(address, hop); i--, hop++) {
    chosen = hops[i]!;
    if (chosen.for === undefined) break;
    address = chosen.for;
  }
  if (chosen === undefined) return undefined;
  environ.REMOTE_ADDR = address;

  if (chosen.proto !== undefined) {
    const proto = parseProto(chosen.proto);
    if (proto === undefined) warn(environ, `forwarded proto ${JSON.stringify(chosen.proto.slice(0, 100))} is not http or https; ignored`);
    else {
      environ['tsgi.url_scheme'] = proto;
      if (environ.HTTP_HOST === undefined || parseHost(environ.HTTP_HOST)?.port === undefined) {
        environ.SERVER_PORT = proto === 'https' ? '443' : '80';
      }
    }
  }
  if (chosen.host !== undefined) {
    const host = parseHost(chosen.host);
    if (host === undefined) warn(environ, `forwarded host ${JSON.stringify(chosen.host.slice(0, 100))} is not a valid host; ignored`);
    else {
      const name = (parseHostName(host.host) ?? { name: host.name }).name;
      if (allows !== undefined && !allows(name)) return name;
      environ.HTTP_HOST = host.host;
      environ.SERVER_NAME = host.name.replace(/^\[|\]$/g, '');
      environ.SERVER_PORT = host.port ?? (environ['tsgi.url_scheme'] === 'https' ? '443' : '80');
    }
  }
  if (chosen.prefix !== undefined) {
    const prefix = parsePrefix(chosen.prefix);
    if (prefix === undefined) warn(environ, `X-Forwarded-Prefix ${JSON.stringify(chosen.prefix.slice(0, 100))} is not a clean path; ignored`);
    else environ.SCRIPT_NAME = prefix + environ.SCRIPT_NAME;
  }
  return undefined;
}

function warn(environ: Environ, message: string): void {
  environ['tsgi.errors'].write(`proxyHeaders: ${message} (peer ${environ.REMOTE_ADDR})\n`);
}
