/**
 * Which proxies to believe: addresses, subnets, a hop count, or a function.
 *
 * @module
 */
import { BlockList, isIP } from 'node:net';

/**
 * Who may set forwarding headers, for {@link proxyHeaders}:
 *
 * - a list of addresses and CIDR subnets, IPv4 or IPv6 (`'10.0.0.0/8'`,
 *   `'::1'`), plus the shorthands `'loopback'` (127.0.0.0/8 and ::1),
 *   `'private'` (10/8, 172.16/12, 192.168/16, fc00::/7) and `'linklocal'`
 *   (169.254/16, fe80::/10);
 * - a number: trust that many hops nearest the server, whatever their
 *   address (for a fixed chain of proxies);
 * - a function `(address, hop) => boolean`, where hop 0 is the peer.
 *
 * @example
 * ```ts
 * const behindNginx: ProxyTrust = ['loopback'];
 * const behindLoadBalancer: ProxyTrust = ['10.0.0.0/8'];
 * const twoHops: ProxyTrust = 2;
 * ```
 *
 * @category Helpers
 */
export type ProxyTrust = readonly string[] | number | ((address: string, hop: number) => boolean);

const SHORTHANDS: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
};

/**
 * Turns a {@link ProxyTrust} into a predicate over `(address, hop)`.
 * IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are matched as IPv4.
 *
 * @throws TypeError for an entry that is neither an address, a CIDR subnet
 *   nor a shorthand, or a negative or fractional hop count.
 * @example
 * ```ts
 * const trusted = compileTrust(['loopback', '10.0.0.0/8']);
 * trusted('127.0.0.1', 0); // true
 * trusted('192.0.2.1', 0); // false
 * ```
 */
export function compileTrust(trust: ProxyTrust): (address: string, hop: number) => boolean {
  if (typeof trust === 'function') return trust;
  if (typeof trust === 'number') {
    if (!Number.isInteger(trust) || trust < 0) throw new TypeError(`proxyHeaders trust hop count must be a non-negative integer, got ${trust}`);
    return (_address, hop) => hop < trust;
  }
  const list = new BlockList();
  for (const entry of trust) {
    for (const item of SHORTHANDS[entry.toLowerCase()] ?? [entry]) addEntry(list, item);
  }
  return (address) => {
    const plain = unmapIPv4(address);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  };
}

function addEntry(list: BlockList, entry: string): void {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  const bits = slash === -1 ? (family === 4 ? 32 : 128) : Number(entry.slice(slash + 1));
  const max = family === 4 ? 32 : 128;
  if (family === 0 || !/^\d{1,3}$/.test(slash === -1 ? String(bits) : entry.slice(slash + 1)) || bits > max) {
    throw new TypeError(`proxyHeaders trust entry ${JSON.stringify(entry)} is not an IP address, a CIDR subnet, or loopback/private/linklocal`);
  }
  list.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * `::ffff:a.b.c.d` as `a.b.c.d`; other addresses unchanged.
 *
 * @example
 * ```ts
 * unmapIPv4('::ffff:127.0.0.1'); // '127.0.0.1'
 * ```
 */
export function unmapIPv4(address: string): string {
  const match = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return match === null ? address : match[1]!;
}
