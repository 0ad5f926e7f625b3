import { BlockList, isIP } from 'node:net';
import type { NotificationConfig } from '../config';

export type InstanceEnvironment = NotificationConfig['RELAIS_ENVIRONMENT'];

/**
 * IPv4 ranges that are not the public internet. A webhook target is chosen by a client of Relais: if it
 * could point at one of these, the deliverer would become that client's way into the instance's own
 * network (databases, the broker, a cloud metadata endpoint at 169.254.169.254).
 */
const nonPublicV4: ReadonlyArray<readonly [base: string, prefix: number]> = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 included
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, 255.255.255.255 included
];

const nonPublicV6: ReadonlyArray<readonly [base: string, prefix: number]> = [
  ['::', 96], // unspecified, loopback, and the deprecated IPv4-compatible form
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo: the far end of the tunnel cannot be checked
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

function nonPublicAddresses(): BlockList {
  const list = new BlockList();
  for (const [base, prefix] of nonPublicV4) {
    // BlockList already matches the IPv4-mapped form (::ffff:10.0.0.1) against IPv4 rules. Two other
    // IPv6 forms carry an IPv4 address that a gateway would reach: NAT64 and 6to4.
    list.addSubnet(base, prefix, 'ipv4');
    list.addSubnet(`64:ff9b::${base}`, 96 + prefix, 'ipv6');
    const [a = 0, b = 0, c = 0, d = 0] = base.split('.').map(Number);
    list.addSubnet(`2002:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}::`, 16 + prefix, 'ipv6');
  }
  for (const [base, prefix] of nonPublicV6) list.addSubnet(base, prefix, 'ipv6');
  return list;
}

const nonPublic = nonPublicAddresses();

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** The address as BlockList takes it: no URL brackets, no IPv6 zone (`fe80::1%eth0`). */
function bare(address: string): string {
  return address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
}

function family(address: string): 'ipv4' | 'ipv6' | null {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
}

/** True for an address of the public internet; false for anything else, and for what is not an address. */
export function isPublicAddress(address: string): boolean {
  const ip = bare(address);
  const kind = family(ip);
  return kind !== null && !nonPublic.check(ip, kind);
}

/** `localhost`, 127.0.0.0/8 or ::1 (a URL's hostname, brackets allowed). */
export function isLoopbackHost(hostname: string): boolean {
  const host = bare(hostname).toLowerCase().replace(/\.$/, '');
  if (host === 'localhost') return true;
  const kind = family(host);
  return kind !== null && loopback.check(host, kind);
}

/** Which resolved addresses the deliverer may connect to: any on a developer's machine, public ones elsewhere. */
export function addressPolicy(environment: InstanceEnvironment): (address: string) => boolean {
  return environment === 'development' ? () => true : isPublicAddress;
}

/**
 * Why a subscription URL is refused (French, shown to the caller), or null when it is acceptable.
 * A host name is judged when it is used (at delivery, after resolving it): what it resolves to can
 * change after the subscription is made. An address written in the URL can be judged now.
 */
export function subscriptionUrlProblem(raw: string, environment: InstanceEnvironment): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'L’adresse n’est pas une URL valide.';
  }
  if (url.username !== '' || url.password !== '') {
    return 'L’adresse ne doit pas contenir d’identifiants : la signature authentifie les envois.';
  }
  const development = environment === 'development';
  if (url.protocol === 'http:') {
    if (development && isLoopbackHost(url.hostname)) return null;
    return development
      ? 'L’adresse doit utiliser https (http n’est accepté que vers cette machine : localhost, 127.0.0.1, ::1).'
      : 'L’adresse doit utiliser https.';
  }
  if (url.protocol !== 'https:') return 'L’adresse doit utiliser https.';
  if (!development && family(bare(url.hostname)) !== null && !isPublicAddress(url.hostname)) {
    return 'L’adresse désigne un réseau privé, local ou réservé : seules les adresses publiques sont acceptées.';
  }
  return null;
}
