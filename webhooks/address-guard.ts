/**
 * Which hosts an outbound webhook may reach. A registered endpoint URL is caller-controlled, so
 * without this guard it could point the worker at loopback services, the private network or the
 * cloud metadata endpoint (169.254.169.254). OUTBOUND_WEBHOOK_ALLOWED_CIDRS opens chosen ranges.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** The ranges OUTBOUND_WEBHOOK_ALLOWED_CIDRS opens despite the guard; `entries` as written, for logs. */
export interface AllowedCidrs {
  readonly list: BlockList;
  readonly entries: readonly string[];
}

/** One answer of a host lookup, as `dns.promises.lookup(host, { all: true })` gives them. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses; replaceable so tests can answer as a rebinding DNS would. */
export type HostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** What `npm start` allows, so local receivers work in development and nothing else private does. */
export const LOOPBACK_CIDRS: readonly string[] = ['127.0.0.0/8', '::1/128'];

const SETTING = 'OUTBOUND_WEBHOOK_ALLOWED_CIDRS';
const MAX_URL_LENGTH = 2048;

/**
 * Ranges no webhook may reach unless allowed, checked in this order (broadcast before the 240/4 it
 * sits in, `::` and `::1` before the IPv4-compatible `::/96`). IPv4-mapped, NAT64 and 6to4
 * addresses are judged by the IPv4 address they embed, before this table.
 */
const FORBIDDEN_RANGES: readonly (readonly [reason: string, cidrs: readonly string[]])[] = [
  ['unspecified', ['0.0.0.0/8', '::/128']],
  ['loopback', ['127.0.0.0/8', '::1/128']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']],
  ['carrier_grade_nat', ['100.64.0.0/10']],
  ['link_local', ['169.254.0.0/16', 'fe80::/10']],
  ['site_local', ['fec0::/10']],
  ['unique_local', ['fc00::/7']],
  ['documentation', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32']],
  ['benchmarking', ['198.18.0.0/15']],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
  ['broadcast', ['255.255.255.255/32']],
  ['reserved', ['192.0.0.0/24', '240.0.0.0/4', '::/96', '100::/64', '64:ff9b:1::/48']],
];

const FORBIDDEN = FORBIDDEN_RANGES.map(([reason, cidrs]) => {
  const list = new BlockList();
  for (const cidr of cidrs) addCidr(list, cidr);
  return { reason, list };
});

/**
 * Reads OUTBOUND_WEBHOOK_ALLOWED_CIDRS (`127.0.0.0/8, ::1/128`): unset or blank allows nothing.
 * Throws naming the first entry that is not a CIDR, so a typo stops startup instead of opening
 * (or closing) more than meant.
 */
export function parseAllowedCidrs(value: string | undefined): AllowedCidrs {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const list = new BlockList();
  for (const entry of entries) {
    if (!addCidr(list, entry)) {
      throw new Error(`${SETTING}: "${entry}" is not a CIDR such as 10.0.0.0/8 or fd00::/8`);
    }
  }
  return { list, entries };
}

/** Adds `address/prefix` to the list; false when it is not one. */
function addCidr(list: BlockList, cidr: string): boolean {
  const match = /^([0-9a-fA-F.:]+)\/(\d{1,3})$/.exec(cidr);
  const family = match?.[1] ? isIP(match[1]) : 0;
  const prefix = Number(match?.[2]);
  if (!match?.[1] || family === 0 || prefix > (family === 4 ? 32 : 128)) return false;
  list.addSubnet(match[1], prefix, family === 4 ? 'ipv4' : 'ipv6');
  return true;
}

/**
 * Why an outbound webhook must not connect to `address` (`loopback`, `private`, `link_local`, …),
 * or undefined when it may. Fails closed: what is not an IP address is `not_an_ip`.
 */
export function forbiddenAddressReason(address: string, allowed: AllowedCidrs): string | undefined {
  const ip = address.replace(/%.*$/, ''); // an IPv6 zone (fe80::1%eth0) does not change the range
  const family = isIP(ip);
  if (family === 0) return 'not_an_ip';
  const embedded = family === 6 ? embeddedIpv4(ip) : undefined;
  if (isAllowed(ip, family, allowed) || (embedded !== undefined && isAllowed(embedded, 4, allowed))) return undefined;
  if (embedded !== undefined) return reservedRange(embedded, 4);
  return reservedRange(ip, family);
}

function isAllowed(ip: string, family: number, allowed: AllowedCidrs): boolean {
  return allowed.list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

function reservedRange(ip: string, family: number): string | undefined {
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return FORBIDDEN.find(({ list }) => list.check(ip, type))?.reason;
}

/** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) one. */
function embeddedIpv4(ip: string): string | undefined {
  const h = ipv6Hextets(ip);
  const zeros = (from: number, to: number) => h.slice(from, to).every((hextet) => hextet === 0);
  if (zeros(0, 5) && h[5] === 0xffff) return dottedQuad(h[6], h[7]);
  if (h[0] === 0x64 && h[1] === 0xff9b && zeros(2, 6)) return dottedQuad(h[6], h[7]);
  if (h[0] === 0x2002) return dottedQuad(h[1], h[2]);
  return undefined;
}

/** The eight 16-bit groups of an address `net.isIP` already accepted as IPv6. */
function ipv6Hextets(ip: string): number[] {
  const text = ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a: string, b: string, c: string, d: string) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((n) => n.toString(16)).join(':'),
  );
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  if (tail === undefined) return groups(head);
  const [front, back] = [groups(head), groups(tail)];
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function dottedQuad(high = 0, low = 0): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** What came of resolving a webhook host: the addresses to connect to, all checked, or why not. */
export type HostResolution =
  | { ok: true; addresses: ResolvedAddress[] }
  | { ok: false; unresolvable: true }
  | { ok: false; unresolvable: false; address: string; reason: string };

/** The default lookup: every address the system resolver gives, in its order. */
export const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, order: 'verbatim' });

/**
 * Resolves `host` (an IP literal without brackets is used as is) and checks every answer, so one
 * private address among public ones refuses the host: the connection could pick any of them.
 */
export async function resolveAllowedHost(
  host: string,
  allowed: AllowedCidrs,
  lookup: HostLookup = systemLookup,
): Promise<HostResolution> {
  let answers: readonly ResolvedAddress[];
  try {
    answers = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host);
  } catch {
    return { ok: false, unresolvable: true };
  }
  if (answers.length === 0) return { ok: false, unresolvable: true };
  for (const { address } of answers) {
    const reason = forbiddenAddressReason(address, allowed);
    if (reason !== undefined) return { ok: false, unresolvable: false, address, reason };
  }
  return { ok: true, addresses: answers.map(({ address }) => ({ address, family: isIP(address) })) };
}

/** A webhook URL's shape: what `checkWebhookUrl` and each delivery attempt both demand. */
export type ParsedWebhookUrl = { ok: true; url: URL; host: string } | { ok: false; problem: string };

/**
 * Parses a webhook URL without looking its host up. `host` is the hostname without IPv6 brackets,
 * as `net`, `dns` and the guard take it. Problems never echo the URL (it may carry a token).
 */
export function parseWebhookUrl(raw: string): ParsedWebhookUrl {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, problem: `the URL is longer than ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'the URL is not a valid absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: 'the URL must use http or https' };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, problem: 'the URL must not carry a username or password' };
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return { ok: false, problem: 'the URL has no host' };
  return { ok: true, url, host };
}

/**
 * Whether an endpoint URL may be registered: http(s), no credentials, at most 2048 characters, and
 * every address its host resolves to allowed. Deliveries check again (`postWebhook`), since DNS
 * answers can change after registration; this check is for a clear answer at registration.
 */
export async function checkWebhookUrl(
  raw: string,
  allowed: AllowedCidrs,
  lookup: HostLookup = systemLookup,
): Promise<{ ok: true; url: URL } | { ok: false; problem: string }> {
  const parsed = parseWebhookUrl(raw);
  if (!parsed.ok) return parsed;
  const resolution = await resolveAllowedHost(parsed.host, allowed, lookup);
  if (resolution.ok) return { ok: true, url: parsed.url };
  if (resolution.unresolvable) return { ok: false, problem: "the URL's host does not resolve" };
  const label = REASON_LABELS[resolution.reason] ?? resolution.reason.replace(/_/g, ' ');
  const article = /^[aeiou]/.test(label) ? 'an' : 'a';
  return {
    ok: false,
    problem: `the URL resolves to ${article} ${label} address (${resolution.address}), which ${SETTING} does not allow`,
  };
}

const REASON_LABELS: Readonly<Record<string, string>> = {
  link_local: 'link-local',
  site_local: 'site-local',
  unique_local: 'unique local',
  carrier_grade_nat: 'carrier-grade NAT',
  not_an_ip: 'unparseable',
};
