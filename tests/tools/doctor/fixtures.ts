import { DeclaredHost } from "../../../tools/doctor/evaluate";

/**
 * Output of the tools the doctor reads, in their real formats. `ssh -G` was recorded from OpenSSH 9.2 on Debian
 * (trimmed to the keywords the doctor reads; the rest of its ~80 lines are ignored by the parser). The Mac tools
 * cannot run here, so their output is written after their source:
 * - `colima list --json`: one compact JSON object per line, Go's json.Encoder over Colima's InstanceInfo
 *   (environment/vm/lima/limautil/instance.go: name, status, arch, cpus, memory and disk in bytes, dir, runtime);
 * - `colima version`: "colima version X" then "git commit: ..." (cmd/version.go), then the runtime's versions;
 * - `limactl --version`: cobra's "limactl version X";
 * - `launchctl print gui/<uid>/<label>`: launchd's service dump ("state = running", "pid = N"); an unknown label
 *   prints 'Could not find service "<label>" in domain for user gui: <uid>' and exits 113;
 * - `tailscale status --json`: ipnstate.Status (BackendState, Self with DNSName, Online and Tags);
 * - `df -Pk`: POSIX output, as both macOS and the VM's Ubuntu print it.
 */
export const HOST: DeclaredHost = {
  name: "mini",
  user: "dev",
  address: "mac-mini.example.ts.net",
  port: 22,
  cpus: 8,
  memoryMb: 14336,
  diskGb: 100,
  profile: "default",
  autostart: "launchagent",
  tailscale: { enabled: true, hostTag: "tag:minidock" },
  diskPercent: 80,
};

export const SSH_G_PROVIDER = `host mac-mini.example.ts.net
user dev
hostname mac-mini.example.ts.net
port 22
controlmaster auto
hashknownhosts yes
stricthostkeychecking true
controlpath /Users/dev/.ssh/minidock-mini-50705afd728654c2f5b3e22929614765ee116fdc
globalknownhostsfile /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2
userknownhostsfile /Users/dev/.ssh/known_hosts /Users/dev/.ssh/known_hosts2
controlpersist 600
`;

/** The same host without the provider's options and without a Host block in ~/.ssh/config. */
export const SSH_G_PLAIN_DEFAULT = `host mac-mini.example.ts.net
user dev
hostname mac-mini.example.ts.net
port 22
controlmaster false
controlpath none
controlpersist no
`;

export const SSH_G_PLAIN_MULTIPLEXED = `host mac-mini.example.ts.net
user dev
hostname mac-mini.example.ts.net
port 22
controlmaster auto
controlpath /Users/dev/.ssh/cm-9e7047e3a6e681854f581ae7fc3ef7be4c3c284b
controlpersist 600
`;

export const COLIMA_VERSION = `colima version 0.9.1
git commit: 7cd8e4fe8bd07e5bcbd0e4bd6e8c9d1c0b3a9f1e

runtime: docker
arch: aarch64
client: v28.0.1
server: v27.4.0`;

export const LIMA_VERSION = "limactl version 1.0.6";

export const colimaList = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    name: "default", status: "Running", arch: "aarch64", cpus: 8, memory: 14 * 1024 ** 3, disk: 100 * 1024 ** 3,
    dir: "/Users/dev/.colima/_lima/colima", runtime: "docker", ...over,
  });

export const VM_DF = `Filesystem     1024-blocks     Used Available Capacity Mounted on
/dev/vdb1        102626232 20511232  76855904      22% /mnt/lima-colima`;

export const vmDf = (usedPercent: number, sizeKb = 102626232) => {
  const used = Math.round((sizeKb * usedPercent) / 100);
  return `Filesystem     1024-blocks     Used Available Capacity Mounted on\n/dev/vdb1 ${sizeKb} ${used} ${sizeKb - used} ${usedPercent}% /mnt/lima-colima`;
};

export const MAC_DF = `Filesystem     1024-blocks      Used Available Capacity  Mounted on
/dev/disk3s5     478724560 201234560 250123456    45%    /System/Volumes/Data`;

export const macDf = (availKb: number) =>
  `Filesystem     1024-blocks      Used Available Capacity  Mounted on\n/dev/disk3s5 478724560 ${478724560 - availKb} ${availKb} 90% /System/Volumes/Data`;

export const GETENT = "54.227.20.253   registry-1.docker.io";

export const LAUNCHCTL_PRINT = `gui/501/dev.minidock.colima.default = {
	active count = 1
	path = /Users/dev/Library/LaunchAgents/dev.minidock.colima.default.plist
	type = LaunchAgent
	state = running

	program = /opt/homebrew/bin/colima
	arguments = {
		/opt/homebrew/bin/colima
		start
		--foreground
		-p
		default
	}

	pid = 812
	last exit code = (never exited)
}`;

export const LAUNCHCTL_NOT_FOUND = `Bad request.
Could not find service "dev.minidock.colima.default" in domain for user gui: 501`;

export const tailscaleStatus = (over: { BackendState?: string; Tags?: string[]; Online?: boolean } = {}) =>
  JSON.stringify({
    Version: "1.78.1-t6c5b43ba6-g6b1bbb8c6",
    BackendState: over.BackendState ?? "Running",
    Self: {
      ID: "nXXXXXXCNTRL", HostName: "mac-mini", DNSName: "mac-mini.example.ts.net.", OS: "macOS",
      TailscaleIPs: ["100.101.102.103"], Online: over.Online ?? true,
      ...(over.Tags === undefined ? { Tags: ["tag:minidock"] } : over.Tags.length ? { Tags: over.Tags } : {}),
    },
    Health: [],
    MagicDNSSuffix: "example.ts.net",
  }, null, 2);
