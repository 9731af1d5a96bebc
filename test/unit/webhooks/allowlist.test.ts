import { describe, expect, it } from 'vitest';
import { allowList, parseAllowList } from '../../../shared/webhooks/allowlist';

describe('webhook source-IP allow-list', () => {
  const list = allowList({
    v4: ['203.0.113.0/24', '198.51.100.7'],
    v6: ['2001:db8::/32', '::1'],
  });

  it('matches IPv4 addresses inside a CIDR or equal to a bare address, and nothing else', () => {
    expect(list.allows('v4', '203.0.113.0')).toBe(true);
    expect(list.allows('v4', '203.0.113.255')).toBe(true);
    expect(list.allows('v4', '203.0.114.0')).toBe(false);
    expect(list.allows('v4', '203.0.112.255')).toBe(false);
    expect(list.allows('v4', '198.51.100.7')).toBe(true);
    expect(list.allows('v4', '198.51.100.8')).toBe(false);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 networks', () => {
    expect(list.allows('v4', '::ffff:203.0.113.9')).toBe(true);
    expect(list.allows('v4', '::ffff:10.0.0.1')).toBe(false);
  });

  it('matches IPv6 addresses inside a CIDR or equal to a bare address, and nothing else', () => {
    expect(list.allows('v6', '2001:db8::1')).toBe(true);
    expect(list.allows('v6', '2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(list.allows('v6', '2001:db9::1')).toBe(false);
    expect(list.allows('v6', '::1')).toBe(true);
    expect(list.allows('v6', '::2')).toBe(false);
    expect(list.allows('v6', '203.0.113.9')).toBe(false);
  });

  it('refuses a missing or malformed source address for a listed clearinghouse', () => {
    for (const ip of [undefined, '', 'localhost', '203.0.113.9/24', '203.0.113.256', '2001:db8::1::1']) {
      expect(list.allows('v4', ip)).toBe(false);
      expect(list.allows('v6', ip)).toBe(false);
    }
  });

  it('leaves a clearinghouse without an entry unrestricted', () => {
    expect(list.allows('other', '192.0.2.1')).toBe(true);
    expect(allowList({}).allows('v4', '192.0.2.1')).toBe(true);
  });

  it('rejects malformed networks, naming the clearinghouse and the entry', () => {
    expect(() => allowList({ ch: ['203.0.113.0/33'] })).toThrow(/"ch".*203\.0\.113\.0\/33/);
    expect(() => allowList({ ch: ['2001:db8::/129'] })).toThrow(/2001:db8::\/129/);
    expect(() => allowList({ ch: ['10.0.0.0/8/8'] })).toThrow(/10\.0\.0\.0\/8\/8/);
    expect(() => allowList({ ch: ['10.0.0.0/x'] })).toThrow(/10\.0\.0\.0\/x/);
    expect(() => allowList({ ch: ['example.com'] })).toThrow(/example\.com/);
    expect(() => allowList({ ch: [] })).toThrow(/"ch".*non-empty/);
  });

  it('parses the JSON form and rejects anything but a map of CIDR lists', () => {
    expect(parseAllowList('{"ch":["203.0.113.0/24"]}')).toEqual({ ch: ['203.0.113.0/24'] });
    expect(parseAllowList('{}')).toEqual({});
    expect(() => parseAllowList('not json')).toThrow(/not valid JSON/);
    expect(() => parseAllowList('["203.0.113.0/24"]')).toThrow(/JSON object/);
    expect(() => parseAllowList('{"ch":"203.0.113.0/24"}')).toThrow(/"ch".*list/);
    expect(() => parseAllowList('{"ch":[24]}')).toThrow(/"ch".*list/);
    expect(() => parseAllowList('{"ch":["300.0.0.0/8"]}')).toThrow(/300\.0\.0\.0\/8/);
  });
});
