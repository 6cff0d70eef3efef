// Which network addresses a webhook may reach (SSRF). Only public unicast addresses, unless the
// operator allows more (GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS): a webhook URL is chosen by an API
// caller, and must not turn Gatehouse into a way into its own network (databases, cloud metadata at
// 169.254.169.254, admin ports on loopback). The address classes are ipaddr.js's (IANA special-use
// registries); IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface AddressPolicy {
  /** Why `address` may not be reached (`loopback`, `private`, …), or undefined when it may. */
  refusal(address: string): string | undefined;
}

export function addressPolicy(allowedNetworks: readonly string[]): AddressPolicy {
  const allowed = allowedNetworks.map(network);
  return {
    refusal(text) {
      let address: Address;
      try {
        address = ipaddr.process(text);
      } catch {
        return "not an IP address";
      }
      const range = address.range();
      if (range === "unicast") return undefined;
      const listed = allowed.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits));
      return listed ? undefined : range;
    },
  };
}

function network(entry: string): [Address, number] {
  if (ipaddr.isValid(entry)) {
    const address = ipaddr.process(entry);
    return [address, address.kind() === "ipv4" ? 32 : 128];
  }
  const [base, bits] = ipaddr.parseCIDR(entry);
  // `::ffff:10.0.0.0/104` names IPv4 addresses, which are judged as IPv4.
  if (base.kind() === "ipv6" && (base as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(base as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [base, bits];
}

/** The host of `url` when it is an IP address literal (`[::1]` without brackets), else undefined. */
export function literalAddress(url: URL): string | undefined {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return ipaddr.isValid(host) && (host.includes(":") || /^[0-9.]+$/.test(host)) ? host : undefined;
}
