/**
 * What `npm run doctor` reports: one result per check and host, as data. The evaluation (evaluate.ts) makes them
 * from recorded command output; the report (report.ts) prints them; nothing here runs a command.
 */

export type Status = "ok" | "warn" | "fail" | "skip";

/** The checks in the order they print: the SSH path first (nothing else answers without it), then the Mac and VM. */
export const CHECK_IDS = [
  "ssh-config",
  "known-hosts",
  "dial-stdio",
  "daemon",
  "daemon-capacity",
  "colima-version",
  "lima-version",
  "vm-resources",
  "clock",
  "vm-disk",
  "mac-disk",
  "vm-dns",
  "launchagent",
  "tailscale",
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

export interface CheckResult {
  id: CheckId;
  status: Status;
  /** What was found, with the figures. */
  detail: string;
  /** The command or change that fixes it; absent when the check is ok or skipped. */
  fix?: string;
  /** The docs section that explains the fix: a repository path with its anchor. */
  doc: string;
}

/** Where each check's fix is explained. An evaluator may point a particular outcome somewhere more precise. */
export const CHECK_DOCS: Record<CheckId, string> = {
  "ssh-config": "docs/troubleshooting.md#ssh-config-and-known-hosts",
  "known-hosts": "docs/setup.md#3-ssh-key-and-known_hosts-workstation",
  "dial-stdio": "docs/troubleshooting.md#ssh-docker-command-not-found-or-the-wrong-daemon",
  daemon: "docs/troubleshooting.md#the-colima-vm-is-broken-or-stopped",
  "daemon-capacity": "docs/troubleshooting.md#memory-not-released",
  "colima-version": "docs/troubleshooting.md#colima-and-lima-versions",
  "lima-version": "docs/troubleshooting.md#colima-and-lima-versions",
  "vm-resources": "docs/troubleshooting.md#the-colima-vm-is-broken-or-stopped",
  clock: "docs/troubleshooting.md#clock-drift-and-dns-in-the-vm",
  "vm-disk": "docs/troubleshooting.md#disk-full",
  "mac-disk": "docs/troubleshooting.md#disk-full",
  "vm-dns": "docs/troubleshooting.md#clock-drift-and-dns-in-the-vm",
  launchagent: "docs/setup.md#6-keeping-colima-up-autostart-auto-login-filevault-power",
  tailscale: "docs/setup.md#tags",
};

export interface HostReport {
  host: string;
  dockerHost: string;
  /** fail when any check failed, warn when any warned, else ok. */
  verdict: "ok" | "warn" | "fail";
  checks: CheckResult[];
}

export function verdictOf(checks: CheckResult[]): HostReport["verdict"] {
  if (checks.some((c) => c.status === "fail")) return "fail";
  if (checks.some((c) => c.status === "warn")) return "warn";
  return "ok";
}

export function result(id: CheckId, status: Status, detail: string, fix?: string, doc = CHECK_DOCS[id]): CheckResult {
  return { id, status, detail, ...(fix !== undefined && status !== "ok" && status !== "skip" ? { fix } : {}), doc };
}
