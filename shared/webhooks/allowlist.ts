/**
 * Optional source-IP allow-list per clearinghouse: `{ "<clearinghouse>": ["203.0.113.0/24", "2001:db8::/32"] }`.
 * A clearinghouse without an entry may call from anywhere (the signature still authenticates it); one with
 * an entry only from inside its networks. Matching is node:net BlockList (IPv4, IPv6, IPv4-mapped IPv6).
 */
import { BlockList, isIP } from 'node:net';

export type AllowListConfig = Readonly<Record<string, readonly string[]>>;

export interface AllowList {
  /** True when `clearinghouse` has no list, or `sourceIp` is inside one of its networks. */
  allows(clearinghouse: string, sourceIp: string | undefined): boolean;
}

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address (a /32 or /128); throws naming the bad entry. */
function addNetwork(list: BlockList, clearinghouse: string, cidr: string): void {
  const [address = '', prefix, ...rest] = cidr.trim().split('/');
  const family = isIP(address);
  const bits = family === 4 ? 32 : 128;
  const length = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
  if (family === 0 || rest.length > 0 || !(length >= 0 && length <= bits)) {
    throw new Error(`allow-list of "${clearinghouse}": "${cidr}" is not an IPv4 or IPv6 CIDR`);
  }
  list.addSubnet(address, length, family === 4 ? 'ipv4' : 'ipv6');
}

export function allowList(config: AllowListConfig): AllowList {
  const lists = new Map<string, BlockList>();
  for (const [clearinghouse, cidrs] of Object.entries(config)) {
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
      throw new Error(`allow-list of "${clearinghouse}" must be a non-empty list of CIDRs`);
    }
    const list = new BlockList();
    for (const cidr of cidrs) addNetwork(list, clearinghouse, cidr);
    lists.set(clearinghouse, list);
  }
  return {
    allows(clearinghouse, sourceIp) {
      const list = lists.get(clearinghouse);
      if (!list) return true;
      const family = isIP(sourceIp ?? '');
      if (family === 0) return false;
      return list.check(sourceIp as string, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** Reads the JSON form (environment / CDK context); throws on anything but a map of CIDR lists. */
export function parseAllowList(json: string): AllowListConfig {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('webhook allow-list is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('webhook allow-list must be a JSON object {"<clearinghouse>": ["<cidr>", ...]}');
  }
  for (const [name, cidrs] of Object.entries(value)) {
    if (!Array.isArray(cidrs) || !cidrs.every((c) => typeof c === 'string')) {
      throw new Error(`allow-list of "${name}" must be a list of CIDR strings`);
    }
  }
  const config = value as AllowListConfig;
  allowList(config); // validates every entry
  return config;
}
