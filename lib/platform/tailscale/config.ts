import { z } from "zod";
import { describeValue } from "../../config/errors";
import { cpuString, port, positiveInt, resourceName } from "../../config/primitives";
import { imageRef } from "../../config/services";

/**
 * Tailscale access model: who may reach which service on the minis, and who may SSH as whom. Off unless a stack
 * turns it on (the local stack never needs it). lib/platform/tailscale/acl.ts turns this into the tailnet policy file;
 * components/tailnet.ts applies it and runs one Tailscale container per remote host.
 *
 * The Tailscale provider's credentials are NOT minidock keys: they are the provider's own config
 * (`tailscale:oauthClientId`, `tailscale:oauthClientSecret` or `tailscale:apiKey`, `tailscale:tailnet`).
 */

/** Sources and owners that would hand the tag (or the whole tailnet) to anyone who joins it. */
export const BROAD_OWNERS = ["*", "autogroup:member", "autogroup:danger-all"] as const;

export const TAILSCALE_IMAGE = "tailscale/tailscale:v1.78.3";

const LOGIN = /^[^\s@,]+@[^\s@,]+$/;
const TAG = /^tag:[a-z0-9][a-z0-9-]*$/;
/** Unix user names Tailscale SSH may log in as; autogroup:* is refused: the ACL rules forbid it towards tags. */
const UNIX_USER = /^[a-z_][a-z0-9_.-]{0,31}$/;

export const tagName = z.string().refine((s) => TAG.test(s), (s) => ({
  message: `expected a tag such as "tag:minidock" (lower-case letters, digits, '-'), got ${describeValue(s)}`,
}));

const login = z.string().refine((s) => LOGIN.test(s), (s) => ({
  message: `expected a Tailscale login such as "alice@example.com" or "alice@github", got ${describeValue(s)}`,
}));

/** Tag owners: groups, logins, other tags or autogroup:admin. Never a broad owner (anyone could tag a device). */
const tagOwner = z.string().superRefine((s, ctx) => {
  if ((BROAD_OWNERS as readonly string[]).includes(s)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `${describeValue(s)} is too broad: anyone could put the tag on a device; use "group:<name>" or "autogroup:admin"`,
    });
  } else if (!(s.startsWith("group:") || s === "autogroup:admin" || TAG.test(s) || LOGIN.test(s))) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `expected "group:<name>", "autogroup:admin", a tag or a login, got ${describeValue(s)}`,
    });
  }
});

const accessEntry = z
  .object({
    /** A key of `groups`. */
    group: resourceName,
    /** Service names from minidock:services that are listed in `serve`: the grant opens their tailnet port. */
    services: z.array(resourceName).default([]),
    /** Raw TCP ports on the tagged nodes, e.g. 22 for the mini's own SSH (Remote Login). */
    ports: z.array(port).default([]),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.services.length === 0 && a.ports.length === 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected "services" or "ports" (or both), got neither` });
    }
  });

const sshEntry = z
  .object({
    group: resourceName,
    users: z.array(z.string().refine((s) => UNIX_USER.test(s), (s) => ({
      message: `expected a unix user name such as "dev" or "root", got ${describeValue(s)}`,
    }))).min(1),
    /** "accept" only for non-root users of a non-admin group; everything else is check mode. */
    action: z.enum(["check", "accept"]).default("check"),
    /** How long a check-mode login stays approved (Tailscale's checkPeriod). */
    checkPeriod: z.string().refine((s) => /^\d+[mh]$/.test(s) || s === "always", (s) => ({
      message: `expected a period such as "12h" or "30m" (or "always"), got ${describeValue(s)}`,
    })).default("12h"),
  })
  .strict();

const serveEntry = z
  .object({
    service: resourceName,
    /** The port the service listens on inside its container. */
    port,
    /** https: Tailscale terminates TLS with the node's certificate; tcp: plain TCP forwarding (e.g. postgres). */
    protocol: z.enum(["https", "tcp"]).default("https"),
    /** Port on the tailnet node; default 443 for https and the service port for tcp. One service per port and host. */
    tailnetPort: port.optional(),
  })
  .strict();

export const tailscaleSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The tailnet's DNS name (e.g. example.ts.net); only used to print the served URLs. */
    tailnet: z.string().refine((s) => /^[a-z0-9.-]+\.[a-z]+$/.test(s), (s) => ({
      message: `expected a tailnet DNS name such as "example.ts.net", got ${describeValue(s)}`,
    })).optional(),
    /** Group name → logins. Referenced as `group:<name>` in the policy file. */
    groups: z.record(resourceName, z.array(login).min(1)).default({}),
    /** The group that owns the host tag by default and whose SSH is always check mode. */
    adminGroup: resourceName.default("admins"),
    /** Tag on the minis (their macOS node) and on minidock's Tailscale containers (through the auth key). */
    hostTag: tagName.default("tag:minidock"),
    /** Who may apply hostTag. Default: the admin group. */
    tagOwners: z.array(tagOwner).min(1).optional(),
    /**
     * Put hostTag on each mini's own (macOS) Tailscale node through the API, found by the MagicDNS name in its `ssh`
     * address. The grants name the tag, so an untagged mini would be unreachable once the policy file applies.
     */
    tagHosts: z.boolean().default(true),
    access: z.array(accessEntry).default([]),
    ssh: z.array(sshEntry).default([]),
    serve: z.array(serveEntry).default([]),
    acl: z
      .object({
        /**
         * The stack owns the tailnet policy file, so its first apply replaces whatever is there. Off: that first
         * apply fails unless the file is still Tailscale's default, which setup has changed by then (tag owners).
         */
        overwriteExistingContent: z.boolean().default(true),
        /** Reset the tailnet's policy to Tailscale's default on destroy (which is allow-all): off. */
        resetOnDestroy: z.boolean().default(false),
      })
      .strict()
      .default({}),
    /** The Tailscale container on each remote host. */
    container: z
      .object({
        /** Multi-arch (arm64 included) official image, pinned to an exact release. */
        image: imageRef.default(TAILSCALE_IMAGE),
        /** tailscaled in userspace mode plus the serve proxies: ~40-80 MB resident; 128 leaves room for TLS bursts. */
        memoryMb: positiveInt.default(128),
        cpus: cpuString.default("0.5"),
      })
      .strict()
      .default({}),
    /** Lifetime of the auth key. It is only used for the first login; the node's state volume keeps it joined. */
    authKeyExpiryDays: positiveInt.default(90).refine((n) => n <= 90, (n) => ({
      message: `expected at most 90 (Tailscale's limit for auth keys), got ${n}`,
    })),
  })
  .strict();

export type TailscaleConfig = z.output<typeof tailscaleSchema>;
export type ServeEntry = TailscaleConfig["serve"][number];

/** The tailnet-facing port of a serve entry. */
export function tailnetPortOf(s: ServeEntry): number {
  return s.tailnetPort ?? (s.protocol === "https" ? 443 : s.port);
}

/** tagOwners with the default applied: the admin group. */
export function tagOwnersOf(ts: TailscaleConfig): string[] {
  return ts.tagOwners ?? [`group:${ts.adminGroup}`];
}

/** What the cross-check needs from the rest of the stack (kept narrow so it is easy to test). */
export interface TailscaleCheckInput {
  tailscale: TailscaleConfig;
  /** host name → how it is reached; only hosts reached over ssh get a Tailscale container. */
  hosts: Record<string, { ssh?: string; sshPort: number }>;
  /** service name → the host it runs on. */
  serviceHosts: Record<string, string>;
  /** minidock's own services that may be served (they run on every host) and the port each listens on. */
  platformServices: { name: string; port: number }[];
  networks: Record<string, { internal: boolean }>;
}

/**
 * References the schema cannot see: groups, services and hosts named by the model, and the two ways an enabled
 * model can lock people out (no accept case to test, no SSH port left open for `pulumi up` itself).
 */
export function checkTailscale(input: TailscaleCheckInput, problems: string[]): void {
  const ts = input.tailscale;
  if (!ts.enabled) return;
  const groups = Object.keys(ts.groups);
  const declared = `(declared: ${groups.join(", ") || "none"})`;
  const platform = new Map(input.platformServices.map((p) => [p.name, p]));
  const services = [...Object.keys(input.serviceHosts), ...[...platform.keys()].filter((p) => !(p in input.serviceHosts))];
  const remoteHosts = Object.keys(input.hosts).filter((h) => input.hosts[h].ssh !== undefined);
  const checkGroup = (at: string, g: string) => {
    if (!groups.includes(g)) problems.push(`${at}: unknown group ${describeValue(g)} ${declared}`);
  };

  checkGroup("tailscale.adminGroup", ts.adminGroup);
  (ts.tagOwners ?? []).forEach((o, i) => {
    if (o.startsWith("group:")) checkGroup(`tailscale.tagOwners.${i}`, o.slice("group:".length));
  });

  const served = new Map(ts.serve.map((s) => [s.service, s]));
  const byHostPort = new Map<string, number>();
  ts.serve.forEach((s, i) => {
    const at = `tailscale.serve.${i}`;
    const own = platform.get(s.service);
    let hosts: string[];
    if (s.service in input.serviceHosts) {
      hosts = [input.serviceHosts[s.service]];
      if (input.hosts[hosts[0]]?.ssh === undefined) {
        problems.push(`${at}.service: ${s.service} runs on host ${hosts[0]}, which is not reached over ssh and gets no Tailscale container`);
      }
    } else if (own) {
      // minidock's own service runs on every host, so it is served by every mini's Tailscale container.
      hosts = remoteHosts;
      if (s.port !== own.port) problems.push(`${at}.port: ${s.service} listens on ${own.port} inside its container, got ${s.port}`);
    } else {
      problems.push(`${at}.service: unknown service ${describeValue(s.service)} (known services: ${services.join(", ") || "none"})`);
      return;
    }
    for (const host of hosts) {
      const key = `${host}:${tailnetPortOf(s)}`;
      const first = byHostPort.get(key);
      if (first !== undefined) {
        problems.push(`${at}.tailnetPort: port ${tailnetPortOf(s)} on host ${host} is already served by tailscale.serve.${first}; set a different tailnetPort`);
      } else byHostPort.set(key, i);
    }
  });

  if (ts.access.length === 0) {
    problems.push(`tailscale.access: expected at least one entry when tailscale is enabled: the policy file's tests need an accept case, and without a grant nobody reaches anything`);
  }
  ts.access.forEach((a, i) => {
    checkGroup(`tailscale.access.${i}.group`, a.group);
    a.services.forEach((svc, j) => {
      const at = `tailscale.access.${i}.services.${j}`;
      if (!services.includes(svc)) {
        problems.push(`${at}: unknown service ${describeValue(svc)} (known services: ${services.join(", ") || "none"})`);
      } else if (!served.has(svc)) {
        problems.push(`${at}: ${svc} is not in tailscale.serve, so it has no port on the tailnet; add { service: ${svc}, port: <its port> } there`);
      }
    });
  });

  ts.ssh.forEach((s, i) => {
    checkGroup(`tailscale.ssh.${i}.group`, s.group);
    if (s.action === "accept" && s.users.includes("root")) {
      problems.push(`tailscale.ssh.${i}.action: "accept" for root; SSH as root must use "check" (re-authentication)`);
    } else if (s.action === "accept" && s.group === ts.adminGroup) {
      problems.push(`tailscale.ssh.${i}.action: "accept" for the admin group ${ts.adminGroup}; admins always use "check"`);
    }
  });

  // The policy file replaces the tailnet's whole policy: without a grant to each mini's SSH port, applying it
  // would cut the SSH connection the docker provider (and the next `pulumi up`) depends on.
  for (const [name, h] of Object.entries(input.hosts)) {
    if (h.ssh === undefined) continue;
    if (!ts.access.some((a) => a.ports.includes(h.sshPort))) {
      problems.push(
        `tailscale.access: no group may reach port ${h.sshPort} (SSH) of host ${name}; the policy file would lock pulumi out of it. ` +
          `Add { group: ${ts.adminGroup}, ports: [${h.sshPort}] }`,
      );
    }
  }

  if (ts.serve.length > 0 && !Object.values(input.networks).some((n) => !n.internal)) {
    problems.push(`tailscale.serve: the Tailscale container needs a network with a route out (internal: false) to reach the tailnet; every declared network is internal`);
  }
}

// This section's place in the typed stack config (lib/config/stack.ts PlatformSections).
declare module "../../config/stack" {
  interface PlatformSections {
    tailscale: TailscaleConfig;
  }
}
