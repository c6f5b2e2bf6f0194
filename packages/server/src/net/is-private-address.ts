import { isIPv4, isIPv6 } from 'node:net';

/**
 * What kind of destination an IP address is. Only `public` may be reached by an outbound call
 * that does not allow private networks; everything else is refused, including addresses that
 * are merely unusual (documentation, reserved, multicast), because a request forger needs only
 * one overlooked range and a legitimate webhook never needs any of them.
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'multicast'
  | 'documentation'
  | 'reserved'
  | 'invalid';

type Range = readonly [base: number, bits: number, kind: Exclude<AddressClass, 'public' | 'invalid'>];

// IANA IPv4 Special-Purpose Address Registry (RFC 6890 and successors).
const IPV4_RANGES: readonly Range[] = [
  [v4(0, 0, 0, 0), 8, 'unspecified'], // "this network": 0.0.0.0 reaches the local host on Linux
  [v4(10, 0, 0, 0), 8, 'private'], // RFC 1918
  [v4(100, 64, 0, 0), 10, 'shared'], // RFC 6598 carrier-grade NAT
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link-local'], // cloud metadata services live at 169.254.169.254
  [v4(172, 16, 0, 0), 12, 'private'], // RFC 1918
  [v4(192, 0, 0, 0), 24, 'reserved'], // IETF protocol assignments
  [v4(192, 0, 2, 0), 24, 'documentation'], // TEST-NET-1
  [v4(192, 88, 99, 0), 24, 'reserved'], // former 6to4 relay anycast
  [v4(192, 168, 0, 0), 16, 'private'], // RFC 1918
  [v4(198, 18, 0, 0), 15, 'reserved'], // benchmarking
  [v4(198, 51, 100, 0), 24, 'documentation'], // TEST-NET-2
  [v4(203, 0, 113, 0), 24, 'documentation'], // TEST-NET-3
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(240, 0, 0, 0), 4, 'reserved'], // includes 255.255.255.255 broadcast
];

/**
 * Classifies an IPv4 or IPv6 address literal (an IPv6 zone such as `%eth0` is ignored).
 * Addresses that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`,
 * 6to4 `2002::/16`) are judged by the embedded address, because that is where the packets go.
 * Anything that is not an IP literal is `invalid`, which callers must treat as refused.
 *
 * @example
 * classifyAddress('169.254.169.254') // 'link-local'
 * classifyAddress('::ffff:127.0.0.1') // 'loopback'
 * classifyAddress('93.184.216.34')   // 'public'
 */
export function classifyAddress(address: string): AddressClass {
  if (isIPv4(address)) return classifyIPv4(parseIPv4(address));
  const groups = parseIPv6(address);
  return groups === undefined ? 'invalid' : classifyIPv6(groups);
}

/**
 * True for every address an outbound call without `allowPrivateNetwork` must not reach: anything
 * but a public unicast address (and anything that is not an IP literal at all, failing closed).
 *
 * @example
 * isPrivateAddress('10.1.2.3') // true
 * isPrivateAddress('fd00:ec2::254') // true (AWS IPv6 metadata endpoint, a unique local address)
 */
export function isPrivateAddress(address: string): boolean {
  return classifyAddress(address) !== 'public';
}

function classifyIPv4(ip: number): AddressClass {
  for (const [base, bits, kind] of IPV4_RANGES) {
    if (sameIPv4Prefix(ip, base, bits)) return kind;
  }
  return 'public';
}

function classifyIPv6(g: readonly number[]): AddressClass {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = ((g6 << 16) | g7) >>> 0;
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upperZero && g5 === 0xffff) return classifyIPv4(embedded); // ::ffff:0:0/96 IPv4-mapped
  if (upperZero && g5 === 0) {
    if (g6 === 0 && g7 === 0) return 'unspecified'; // ::
    if (g6 === 0 && g7 === 1) return 'loopback'; // ::1
    return 'reserved'; // ::/96 deprecated IPv4-compatible: never a legitimate destination
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return classifyIPv4(embedded); // 64:ff9b::/96 NAT64 well-known prefix (RFC 6052)
  }
  if (g0 === 0x2002) return classifyIPv4(((g1 << 16) | g2) >>> 0); // 6to4 (RFC 3056)
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return 'private'; // fec0::/10 deprecated site-local
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation'; // 2001:db8::/32
  if ((g0 & 0xfff0) === 0x3ff0) return 'documentation'; // 3fff::/20 (RFC 9637)
  // 2001::/23 holds IETF protocol assignments, Teredo among them (whose embedded IPv4 address is
  // obfuscated, so it cannot be judged): refuse the whole block.
  if (g0 === 0x2001 && g1 < 0x0200) return 'reserved';
  if (g0 === 0x5f00) return 'reserved'; // SRv6 SIDs (RFC 9602)
  // Outside 2000::/3 nothing is allocated as global unicast today (64:ff9b:1::/48 and 100::/64
  // included), so anything else is refused rather than guessed at.
  if ((g0 & 0xe000) !== 0x2000) return 'reserved';
  return 'public';
}

// eslint-disable-next-line max-params -- the four octets of an IPv4 address
function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function sameIPv4Prefix(ip: number, base: number, bits: number): boolean {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((ip & mask) >>> 0) === ((base & mask) >>> 0);
}

function parseIPv4(text: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = text.split('.').map(Number);
  return v4(a, b, c, d);
}

/** Eight 16-bit groups, or undefined when the text is not an IPv6 literal. */
function parseIPv6(input: string): number[] | undefined {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  if (!isIPv6(text)) return undefined;
  const words: number[] = [];
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const toWords = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const ip = parseIPv4(piece);
        out.push(ip >>> 16, ip & 0xffff);
      } else {
        out.push(Number.parseInt(piece, 16));
      }
    }
    return out;
  };
  const left = toWords(head);
  const right = tail === undefined ? [] : toWords(tail);
  words.push(...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right);
  return words.length === 8 ? words : undefined;
}
