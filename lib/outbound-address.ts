import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Where the product may send a request on an outsider's say-so (webhook URLs): public unicast addresses
 * only, judged after DNS resolution, unless the operator lists the host (WEBHOOK_ALLOW_HOSTS). The URL
 * parser has already turned decimal, octal and hex IPv4 forms into dotted quads, so only the address
 * forms below need recognising; IPv6 forms that embed an IPv4 address are judged by that address.
 */

/** Names that reach cloud metadata services without being an address we could classify. */
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** IPv4 ranges that are not the public internet (RFC 6890 and friends), as [first octets, prefix length, why]. */
const V4_REFUSED: [number[], number, string][] = [
  [[0], 8, 'an unspecified address'],
  [[10], 8, 'a private address'],
  [[100, 64], 10, 'a shared (carrier-grade NAT) address'],
  [[127], 8, 'a loopback address'],
  [[169, 254], 16, 'a link-local (cloud metadata) address'],
  [[172, 16], 12, 'a private address'],
  [[192, 0, 0], 24, 'a reserved address'],
  [[192, 0, 2], 24, 'a documentation address'],
  [[192, 88, 99], 24, 'a relay address'],
  [[192, 168], 16, 'a private address'],
  [[198, 18], 15, 'a benchmarking address'],
  [[198, 51, 100], 24, 'a documentation address'],
  [[203, 0, 113], 24, 'a documentation address'],
  [[224], 4, 'a multicast address'],
  [[240], 4, 'a reserved or broadcast address'],
];

function v4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

function inPrefix(bytes: number[], first: number[], bits: number): boolean {
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((first[i] ?? 0) & mask)) return false;
  }
  return true;
}

function refusedV4(bytes: number[]): string | null {
  for (const [first, bits, why] of V4_REFUSED) if (inPrefix(bytes, first, bits)) return why;
  return null;
}

/** The 16 bytes of an IPv6 address (with `::` and a trailing dotted IPv4 part expanded). */
function v6Bytes(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = v4Bytes(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + `${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

function refusedV6(bytes: number[]): string | null {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const v4 = bytes.slice(12);
  if (zeros(0, 16)) return 'an unspecified address';
  if (zeros(0, 15) && bytes[15] === 1) return 'a loopback address';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64): the IPv4 address decides.
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return refusedV4(v4);
  if (zeros(0, 12)) return refusedV4(v4) ?? 'an IPv4-compatible address';
  if (inPrefix(bytes, [0x00, 0x64, 0xff, 0x9b], 96) || inPrefix(bytes, [0x00, 0x64, 0xff, 0x9b, 0, 1], 48))
    return refusedV4(v4) ?? (zeros(6, 12) ? null : 'a NAT64 address');
  // 6to4 (2002:a.b.c.d::/48) embeds its IPv4 address in bytes 2–5.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return refusedV4(bytes.slice(2, 6));
  if (bytes[0] === 0xff) return 'a multicast address';
  if ((bytes[0]! & 0xfe) === 0xfc) return 'a private (unique local) address';
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80) return 'a link-local address';
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0xc0) return 'a site-local address';
  if (inPrefix(bytes, [0x20, 0x01, 0x0d, 0xb8], 32)) return 'a documentation address';
  if (inPrefix(bytes, [0x01, 0x00], 64)) return 'a discard address';
  if (inPrefix(bytes, [0x20, 0x01, 0x00, 0x00], 32)) return 'a Teredo address';
  return null;
}

/** Why this IP address is not a public destination, or null when it is one. */
export function refusedAddress(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return refusedV4(v4Bytes(address));
  if (family === 6) return refusedV6(v6Bytes(address));
  return 'not an IP address';
}

export class RefusedDestination extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RefusedDestination';
  }
}

export interface CheckedDestination {
  url: URL;
  /** The address to connect to: resolved and checked once, so a second resolution cannot swap it. */
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a URL's host and checks every address it has. Throws RefusedDestination (with a reason fit
 * for the caller) for a non-public destination that is not on the allow-list, or a name that does not
 * resolve. An allowed host is still resolved, so delivery connects to the address checked here.
 */
export async function checkDestination(
  raw: string,
  allowHosts: readonly string[],
  resolve = lookup,
): Promise<CheckedDestination> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RefusedDestination('is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RefusedDestination('must be an http(s) URL');
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  const allowed = allowHosts.includes(host);
  if (!allowed && (host === 'localhost' || host.endsWith('.localhost')))
    throw new RefusedDestination('points to a loopback address');
  if (!allowed && METADATA_NAMES.has(host)) throw new RefusedDestination('points to a cloud metadata service');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolve(host, { all: true, verbatim: true });
    } catch {
      throw new RefusedDestination('has a host name that does not resolve');
    }
  }
  if (!addresses.length) throw new RefusedDestination('has a host name that does not resolve');
  if (!allowed) {
    for (const a of addresses) {
      const why = refusedAddress(a.address);
      if (why)
        throw new RefusedDestination(`points to ${why}; internal receivers must be listed in WEBHOOK_ALLOW_HOSTS`);
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
