import ipaddr from "ipaddr.js";

/**
 * Host addresses a port is published on, parsed with ipaddr.js instead of compared as strings: "all interfaces"
 * has many spellings (0.0.0.0, ::, ::0, 0:0:0:0:0:0:0:0, ::ffff:0.0.0.0, [::]) and one address has several
 * (::1 and 0:0:0:0:0:0:0:1, ::ffff:127.0.0.1 and 127.0.0.1). The config contract, its port-overlap check and
 * the policy pack's port rules all read addresses through this module, so they cannot disagree.
 */

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * An address in a spelling Docker reads (Go's net.ParseIP): four decimal parts without leading zeros, or IPv6
 * text (an embedded IPv4 tail in the same four-part form), without brackets, zone, spaces or hostnames. The
 * shorthands ipaddr.js also takes (`127.1`, `0x7f.0.0.1`, `0`) are inet_aton's, not Docker's: refused here.
 */
export function parseAddress(text: string): Address | undefined {
  if (text.includes(":")) {
    if (text.includes("%")) return undefined;
    const tail = text.slice(text.lastIndexOf(":") + 1);
    if (tail.includes(".") && !ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
    return ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : undefined;
  }
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : undefined;
}

/** What a published port's host address means on the daemon. */
export type HostAddress =
  /** Every interface of the host: unset, or any spelling of the unspecified address. */
  | { kind: "all"; text: string }
  /** One address; `same` is equal for every spelling of it (IPv4-mapped IPv6 is the IPv4 address). */
  | { kind: "one"; text: string; address: Address; same: string; canonical: string }
  /** Not an address Docker reads as written: at deploy it fails, or (older engines) publishes everywhere. */
  | { kind: "invalid"; text: string; reason: string };

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) reaches the IPv4 address: compare and print it as that. */
function unmapped(a: Address): Address {
  return a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
}

/**
 * A published port's host address (docker's ports[].ip, the config's ports[].bind). Unset or empty is every
 * interface, as Docker publishes it. Spellings that only a lenient reader takes (whitespace, [brackets], `0`)
 * still count as every interface when they mean the unspecified address, so no spelling slips past the port
 * rule; any other non-standard spelling is invalid, with the standard one to write instead.
 */
export function hostAddress(value: string | undefined): HostAddress {
  const text = value ?? "";
  const cleaned = text.trim().replace(/^\[(.*)\]$/, "$1");
  if (cleaned === "") return { kind: "all", text };
  const strict = parseAddress(text);
  const unwrapped = strict ?? parseAddress(cleaned);
  const shorthand = unwrapped ? undefined : ipaddr.IPv4.isValid(cleaned) ? ipaddr.IPv4.parse(cleaned) : undefined;
  const parsed = unwrapped ?? shorthand;
  if (!parsed) {
    const reason = cleaned.includes("%") ? "an IPv6 zone (%...) is not accepted" : "not an IP address (a hostname or a typo?)";
    return { kind: "invalid", text, reason };
  }
  const address = unmapped(parsed);
  if (address.range() === "unspecified") return { kind: "all", text };
  const canonical = address.toString();
  if (shorthand) return { kind: "invalid", text, reason: `an inet_aton shorthand Docker does not read (others read it as ${canonical})` };
  if (!strict) return { kind: "invalid", text, reason: `Docker reads no brackets or spaces; write ${canonical}` };
  return { kind: "one", text, address, same: `${address.kind()}:${address.toNormalizedString()}`, canonical };
}

/** True when two published ports' host addresses can collide: the same address, or either is every interface. */
export function addressesOverlap(a: HostAddress, b: HostAddress): boolean {
  // An invalid address may be published on every interface (older engines read it as unset): assume it is.
  if (a.kind !== "one" || b.kind !== "one") return true;
  return a.same === b.same;
}

/** `127.0.0.1:5432`, `[::1]:5432`: an address with a port, IPv6 in brackets, as `docker ps` shows a binding. */
export function withPort(address: string, port: number | string): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
