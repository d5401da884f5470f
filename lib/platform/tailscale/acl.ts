import { TailscaleConfig, tagOwnersOf, tailnetPortOf } from "./config";

/**
 * The tailnet policy file, built from the access model in config. Pure: the Tailnet component applies the
 * rendered text, the policy pack checks it, and tests read it directly.
 *
 * `tests` and `sshTests` are generated from the same model as the rules, with accept AND deny cases, so Tailscale
 * refuses an update whose rules drift from what the model says (it runs the tests before it accepts a file).
 */

export interface Grant {
  src: string[];
  dst: string[];
  ip: string[];
}

export interface SshRule {
  action: "check" | "accept";
  src: string[];
  dst: string[];
  users: string[];
  checkPeriod?: string;
}

export interface AclTest {
  src: string;
  accept?: string[];
  deny?: string[];
}

export interface SshTest {
  src: string;
  dst: string[];
  accept?: string[];
  check?: string[];
  deny?: string[];
}

export interface PolicyFile {
  groups: Record<string, string[]>;
  tagOwners: Record<string, string[]>;
  grants: Grant[];
  ssh?: SshRule[];
  tests: AclTest[];
  sshTests?: SshTest[];
}

/** The Docker API port: never granted by the model, so every generated user test also proves it stays closed. */
export const CANARY_PORT = 2375;
/** Users tried for SSH deny cases, first one not allowed wins. */
const SSH_DENY_CANDIDATES = ["root", "nobody", "daemon"];

const group = (name: string) => `group:${name}`;
const sortNum = (a: number, b: number) => a - b;

/** Ports (tailnet side) each access entry opens on the tagged hosts. */
export function grantedPorts(ts: TailscaleConfig): number[][] {
  const serve = new Map(ts.serve.map((s) => [s.service, tailnetPortOf(s)]));
  return ts.access.map((a) => {
    const ports = new Set<number>(a.ports);
    for (const svc of a.services) {
      const p = serve.get(svc);
      if (p !== undefined) ports.add(p);
    }
    return [...ports].sort(sortNum);
  });
}

/** Every login in the model, in config order, once. */
function allLogins(ts: TailscaleConfig): string[] {
  return [...new Set(Object.values(ts.groups).flat())];
}

function groupsOf(ts: TailscaleConfig, login: string): string[] {
  return Object.entries(ts.groups).filter(([, members]) => members.includes(login)).map(([name]) => name);
}

function sshRules(ts: TailscaleConfig): SshRule[] {
  const rules = ts.ssh.map((s): SshRule => {
    // Root and the admin group are always check mode, whatever the entry says (config validation refuses it too).
    const action = s.users.includes("root") || s.group === ts.adminGroup ? "check" : s.action;
    return {
      action,
      src: [group(s.group)],
      dst: [ts.hostTag],
      users: [...s.users],
      ...(action === "check" ? { checkPeriod: s.checkPeriod } : {}),
    };
  });
  // Tailscale applies the first matching SSH rule: check rules first, so an overlap never downgrades to accept.
  return [...rules.filter((r) => r.action === "check"), ...rules.filter((r) => r.action === "accept")];
}

function aclTests(ts: TailscaleConfig, ports: number[][]): AclTest[] {
  const all = [...new Set(ports.flat())].sort(sortNum);
  const dst = (p: number) => `${ts.hostTag}:${p}`;
  const tests: AclTest[] = [];
  for (const login of allLogins(ts)) {
    const mine = groupsOf(ts, login);
    const allowed = new Set(ts.access.flatMap((a, i) => (mine.includes(a.group) ? ports[i] : [])));
    const accept = all.filter((p) => allowed.has(p)).map(dst);
    // Ports other groups got but this login did not, plus the canary that nobody gets.
    const deny = [...all.filter((p) => !allowed.has(p)), ...(all.includes(CANARY_PORT) ? [] : [CANARY_PORT])].map(dst);
    tests.push({ src: login, ...(accept.length > 0 ? { accept } : {}), ...(deny.length > 0 ? { deny } : {}) });
  }
  // The minis themselves: no grant has the host tag as source, so one mini (or container) cannot reach another.
  if (all.length > 0) tests.push({ src: ts.hostTag, deny: all.map(dst) });
  return tests;
}

function sshTests(ts: TailscaleConfig, rules: SshRule[]): SshTest[] {
  const mentioned = [...new Set(rules.flatMap((r) => r.users))];
  return allLogins(ts).map((login) => {
    const mine = groupsOf(ts, login).map(group);
    const check = new Set<string>();
    const accept = new Set<string>();
    for (const r of rules) {
      if (!r.src.some((s) => mine.includes(s))) continue;
      for (const u of r.users) if (!check.has(u) && !accept.has(u)) (r.action === "check" ? check : accept).add(u);
    }
    const allowed = (u: string) => check.has(u) || accept.has(u);
    const deny = mentioned.filter((u) => !allowed(u));
    // Every login gets a deny case: a user it may not log in as (root first, when it is not granted).
    const extra = SSH_DENY_CANDIDATES.find((u) => !allowed(u));
    if (deny.length === 0 && extra) deny.push(extra);
    return {
      src: login,
      dst: [ts.hostTag],
      ...(accept.size > 0 ? { accept: [...accept] } : {}),
      ...(check.size > 0 ? { check: [...check] } : {}),
      ...(deny.length > 0 ? { deny } : {}),
    };
  });
}

/** Model → policy file object. Uses grants (not legacy acls); every tag it uses is owned in tagOwners. */
export function buildPolicyFile(ts: TailscaleConfig): PolicyFile {
  const ports = grantedPorts(ts);
  const grants: Grant[] = ts.access.map((a, i) => ({
    src: [group(a.group)],
    dst: [ts.hostTag],
    ip: ports[i].map((p) => `tcp:${p}`),
  }));
  const ssh = sshRules(ts);
  return {
    groups: Object.fromEntries(Object.entries(ts.groups).map(([name, members]) => [group(name), [...members]])),
    tagOwners: { [ts.hostTag]: tagOwnersOf(ts) },
    grants,
    ...(ssh.length > 0 ? { ssh } : {}),
    tests: aclTests(ts, ports),
    ...(ssh.length > 0 ? { sshTests: sshTests(ts, ssh) } : {}),
  };
}

/** JSON with a leading comment: valid HuJSON, which is what the Tailscale API stores and shows in the console. */
export function renderPolicyFile(policy: PolicyFile): string {
  return (
    "// Generated by minidock from the stack config key minidock:tailscale.\n" +
    "// Edit the config and run `pulumi up`; edits made here are overwritten.\n" +
    `${JSON.stringify(policy, null, 2)}\n`
  );
}
