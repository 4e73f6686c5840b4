/**
 * Which host names a server answers for by default, and the checks each
 * host kind applies, so that links and `Location` headers an app builds
 * from `HTTP_HOST` never name a host an attacker chose. The syntax and the
 * matching are the gateway's (`gateway/host.ts`).
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { compileAllowedHosts, parseHost, type HostCheck } from '../gateway/host.js';

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
