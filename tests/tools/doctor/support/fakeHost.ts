import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import {
  COLIMA_VERSION, GETENT, LAUNCHCTL_NOT_FOUND, LAUNCHCTL_PRINT, LIMA_VERSION, MAC_DF, SSH_G_PLAIN_MULTIPLEXED, VM_DF,
  colimaList, tailscaleStatus,
} from "../fixtures";

/**
 * A pretend workstation and mini for `npm run doctor`. STUBS, and why: there is no Mac, Colima VM, launchd or
 * Tailscale here, and no mini to ssh to, so
 * - `ssh` (first on the workstation's PATH) answers `-G` from recorded OpenSSH output, and otherwise runs the remote
 *   command the way sshd does: `$SHELL -c CMD` in a clean environment with sshd's PATH (/usr/bin:/bin:...), where a
 *   stand-in zsh reads only ~/.zshenv. That is what makes the Homebrew PATH problem reproducible: without the
 *   ~/.zshenv block, `docker` is not found.
 * - colima, limactl, docker and tailscale live in a fake Homebrew bin; launchctl and df in the fake system PATH.
 *   They print the fixtures' output (tests/tools/doctor/fixtures.ts says where each format comes from), as the
 *   test's knobs (files in STATE) say. `colima ssh -- date` answers the real time plus a knob's offset.
 * - `docker system dial-stdio` pipes its stdin/stdout to a unix socket where the test serves three Docker Engine API
 *   answers (GET /_ping, /version, /info, in the API's own field names). The real Docker API through a real
 *   dial-stdio and a real sshd is scripts/ci/doctor-test.sh.
 * What is real: the doctor, its probe script and scripts/colima/lib.sh under the real bash, ssh-keygen -F on a real
 * known_hosts file, and dockerode through the provider's SshDialAgent.
 */

const BASH = which("bash");

function which(tool: string): string {
  return spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
}

/** Real tools the probe and lib.sh use on the "Mac"; nothing else leaks in from the system PATH. */
const REAL_TOOLS = ["date", "id", "sed", "grep", "cat", "mktemp", "rm", "sleep", "tr", "head", "dirname", "env"];

export const KNOWN_HOSTS_LINE = "mac-mini.example.ts.net ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIItdLZ32DOVhGBMS7o6JCiVLdQkjT3RFERf0nhcgnDzi";

export const ZSHENV_BLOCK = (brewBin: string) => `# >>> minidock: docker for non-interactive ssh (scripts/colima/docker-path.sh) >>>
export PATH="${brewBin}:$PATH"
export DOCKER_HOST="unix:///Users/dev/.colima/default/docker.sock"
# <<< minidock <<<
`;

/** Knobs: a file per name in STATE; the stubs read them on every call. */
export const HEALTHY: Record<string, string> = {
  "colima-version": COLIMA_VERSION,
  "lima-version": LIMA_VERSION,
  "colima-list": colimaList(),
  "vm-clock-offset": "0",
  "vm-df": VM_DF,
  "vm-dns": GETENT,
  "mac-df": MAC_DF,
  "launchd-session": "yes",
  launchd: LAUNCHCTL_PRINT,
  tailscale: tailscaleStatus(),
  "ssh-G-plain": SSH_G_PLAIN_MULTIPLEXED,
};

const STUBS = (h: { state: string; brewBin: string; sys: string; home: string; socket: string }): Record<string, Record<string, string>> => ({
  workstation: {
    ssh: `# -G: what OpenSSH resolves; the provider's options (ControlMaster on the command line) pick the provider's file.
case " $* " in
  *" -G "*) case " $* " in *ControlMaster=auto*) cat "$STATE/ssh-G-provider";; *) cat "$STATE/ssh-G-plain";; esac; exit 0;;
esac
[ ! -s "$STATE/ssh-fail" ] || { cat "$STATE/ssh-fail" >&2; exit 255; }
# The remote command: everything after the destination, joined by spaces as ssh sends it.
while [ $# -gt 0 ]; do case "$1" in -o|-p|-l) shift 2;; --) shift; break;; -*) shift;; *) break;; esac; done
shift # the destination
exec env -i HOME='${h.home}' USER=dev LOGNAME=dev SHELL='${h.sys}/zsh' PATH='${h.sys}' MINIDOCK_BREW_PREFIX='${path.dirname(h.brewBin)}' \\
  '${h.sys}/zsh' -c "$*"`,
  },
  sys: {
    // A non-interactive zsh reads ~/.zshenv and nothing else, then runs the command.
    zsh: `[ -f "$HOME/.zshenv" ] && . "$HOME/.zshenv"
[ "$1" = -c ] && eval "$2"`,
    launchctl: `[ "$1" = print ] || exit 0
case "$2" in
  gui/*/*) if [ "$(knob launchd)" = missing ]; then echo '${LAUNCHCTL_NOT_FOUND.replace(/'/g, "")}' >&2; exit 113; fi; knob launchd;;
  gui/*) [ "$(knob launchd-session)" = yes ] || { echo "Could not print domain: 125: Domain does not support specified action" >&2; exit 125; }; echo "gui/$(id -u) = {";;
esac`,
    df: `knob mac-df`,
  },
  brew: {
    colima: `[ "$(knob colima-version)" != missing ] || { echo "colima: command not found" >&2; exit 127; }
case "$1" in
  version) knob colima-version;;
  list) knob colima-list;;
  ssh) [ "$(knob vm-down)" != yes ] || { echo "colima is not running" >&2; exit 1; }
       while [ "$1" != -- ]; do shift; done; shift
       case "$1" in
         date) echo $(( $(date +%s) + $(knob vm-clock-offset) ));;
         df) knob vm-df;;
         getent) v=$(knob vm-dns); [ "$v" != fail ] || exit 2; echo "$v";;
       esac;;
esac`,
    limactl: `v=$(knob lima-version); [ "$v" != missing ] || { echo "limactl: command not found" >&2; exit 127; }; echo "$v"`,
    tailscale: `[ "$1 $2" = "status --json" ] && knob tailscale`,
    // dial-stdio: this process's stdin and stdout become a connection to the test's Docker API socket.
    // dial-hang: a daemon that never answers (bounded, so nothing outlives the test for long).
    docker: `[ "$1 $2" = "system dial-stdio" ] || exit 1
[ "$(knob dial-hang)" != yes ] || exec sleep 10
exec '${process.execPath}' -e 'const s = require("net").connect(process.argv[1]); process.stdin.pipe(s); s.pipe(process.stdout); s.on("error", (e) => { console.error(e.message); process.exit(1); })' '${h.socket}'`,
  },
});

export interface FakeHost {
  dir: string;
  state: string;
  home: string;
  brewBin: string;
  /** The workstation's PATH for the doctor: the stub ssh first, then the system's (ssh-keygen is the real one). */
  env: NodeJS.ProcessEnv;
  knob(name: string, value: string): void;
  /** Requests the fake daemon served, e.g. "GET /version". */
  requests: string[];
  close(): Promise<void>;
}

/** The three Docker Engine API answers dockerode's version() and info() need, in the API's field names. */
function fakeDaemon(socket: string, requests: string[]): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const body = req.url?.endsWith("/version")
      ? { Version: "27.4.0", ApiVersion: "1.47", MinAPIVersion: "1.24", Os: "linux", Arch: "arm64", KernelVersion: "6.8.0-50-generic" }
      : req.url?.endsWith("/info")
        ? { NCPU: 8, MemTotal: 14_647_590_912, ServerVersion: "27.4.0", OperatingSystem: "Ubuntu 24.04.1 LTS", DockerRootDir: "/var/lib/docker" }
        : undefined;
    if (req.url?.endsWith("/_ping")) {
      res.writeHead(200, { "Content-Type": "text/plain" }).end("OK");
    } else if (body) {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    } else {
      res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ message: "page not found" }));
    }
  });
  return new Promise((resolve) => server.listen(socket, () => resolve(server)));
}

export async function fakeHost(): Promise<FakeHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "minidock-doctor-"));
  const state = path.join(dir, "state");
  const home = path.join(dir, "home");
  const bin = path.join(dir, "workstation");
  const sys = path.join(dir, "sys");
  const brewBin = path.join(dir, "homebrew", "bin");
  const socket = path.join(dir, "docker.sock");
  for (const d of [state, home, bin, sys, brewBin, path.join(home, ".colima"), path.join(dir, "ssh")]) fs.mkdirSync(d, { recursive: true });
  for (const tool of REAL_TOOLS) fs.symlinkSync(which(tool), path.join(sys, tool));

  const stubs = STUBS({ state, brewBin, sys, home, socket });
  const dirs: Record<string, string> = { workstation: bin, sys, brew: brewBin };
  for (const [where, tools] of Object.entries(stubs)) {
    for (const [name, body] of Object.entries(tools)) {
      fs.writeFileSync(path.join(dirs[where], name),
        `#!${BASH}\n# STUB ${name}: stands in for the real tool (tests/tools/doctor/support/fakeHost.ts says why).\n` +
          `STATE='${state}'\nknob() { cat "$STATE/$1" 2>/dev/null; }\n${body}\n`, { mode: 0o755 });
    }
  }

  const knob = (name: string, value: string) => fs.writeFileSync(path.join(state, name), value);
  for (const [k, v] of Object.entries(HEALTHY)) knob(k, v);
  // The provider's ssh -G, pointing its ControlPath and known_hosts into this test's directory.
  knob("ssh-G-provider", [
    "host mac-mini.example.ts.net", "user dev", "hostname mac-mini.example.ts.net", "port 22", "controlmaster auto",
    `controlpath ${dir}/ssh/minidock-mini-50705afd728654c2f5b3e22929614765ee116fdc`, "controlpersist 600",
    `userknownhostsfile ${dir}/ssh/known_hosts`, `globalknownhostsfile ${dir}/ssh/ssh_known_hosts`, "",
  ].join("\n"));
  fs.writeFileSync(path.join(dir, "ssh", "known_hosts"), `${KNOWN_HOSTS_LINE}\n`);
  fs.writeFileSync(path.join(home, ".zshenv"), ZSHENV_BLOCK(brewBin));

  const requests: string[] = [];
  const server = await fakeDaemon(socket, requests);
  return {
    dir, state, home, brewBin, knob, requests,
    env: { PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`, HOME: home },
    close: () => new Promise<void>((resolve) => server.close(() => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve();
    })),
  };
}
