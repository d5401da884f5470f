/**
 * How to find a mini's own Tailscale node from its `ssh` address: a full MagicDNS name by name, a short one by
 * hostname. An IP address names no device: such a host is tagged by hand (docs/setup.md).
 */
export function deviceLookup(ssh: string): { name: string } | { hostname: string } | undefined {
  const address = ssh.slice(ssh.indexOf("@") + 1);
  if (/^[\d.]+$/.test(address) || address.includes(":")) return undefined;
  return address.includes(".") ? { name: address } : { hostname: address };
}
