/**
 * The SSRF guard for outbound requests (Kapacitor's `kapacitord -blacklist-cidrs`, http/transport.go): a set of
 * address ranges no outbound handler may connect to. `""` = no guard; `private` = loopback, private, link-local
 * (169.254.0.0/16, the cloud metadata service) and unique-local ranges (flux's PrivateIPValidator); otherwise
 * comma-separated CIDRs. The check is on resolved addresses, for every connection — the first request and each
 * redirect (outbound/http-client.ts) — so a DNS name or a redirect cannot reach a listed address.
 * Node's net.BlockList does the matching (IPv4-mapped IPv6 addresses match their IPv4 ranges).
 */
import { BlockList, isIP } from 'node:net';

/** flux dependencies/url PrivateIPValidator's ranges (and the unspecified addresses, which reach localhost). */
export const PRIVATE_CIDRS = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16',
  '::/128', '::1/128', 'fc00::/7', 'fe80::/10',
];

export class OutboundGuard {
  private readonly list = new BlockList();

  /** `spec` as the flag takes it; throws Error(`improper CIDRs: …`) for a bad entry. */
  constructor(readonly spec: string) {
    const cidrs = spec === '' ? [] : spec === 'private' ? PRIVATE_CIDRS : spec.split(',');
    for (const raw of cidrs) {
      const cidr = raw.trim();
      const slash = cidr.indexOf('/');
      const addr = slash < 0 ? '' : cidr.slice(0, slash);
      const bitsText = slash < 0 ? '' : cidr.slice(slash + 1);
      const family = isIP(addr);
      const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : -1;
      if (family === 0 || bits < 0 || bits > (family === 4 ? 32 : 128)) {
        // Go's net.ParseCIDR error text
        throw new Error(`improper CIDRs: invalid CIDR address: ${cidr}`);
      }
      this.list.addSubnet(addr, bits, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  get active(): boolean {
    return this.spec !== '';
  }

  /** undefined when `ip` may be reached; else Kapacitor's message `ip '…' is blacklisted`. */
  refusal(ip: string): string | undefined {
    const family = isIP(ip);
    if (family === 0) return `ip '${ip}' is not an IP address`;
    return this.list.check(ip, family === 4 ? 'ipv4' : 'ipv6') ? `ip '${ip}' is blacklisted` : undefined;
  }
}

/** The guard that lets everything through (no -blacklist-cidrs). */
export const OPEN_GUARD = new OutboundGuard('');

/** Thrown (as a request error) when the guard refuses an address. */
export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
}
