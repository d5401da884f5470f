import * as fs from "fs";
import * as path from "path";
import { COLIMA_SCRIPTS_DIR, remoteCommand } from "../../lib/colima";
import { DeclaredHost, Section } from "./evaluate";

/**
 * The Mac side of the doctor: tools/doctor/probe.sh, sent after scripts/colima/lib.sh to `/bin/bash -s` over one
 * SSH session (the way ColimaHost sends its scripts, so the mini needs no copy of the repository), and the
 * parsing of the sections it prints.
 */
export const PROBE_SCRIPT = path.join(__dirname, "probe.sh");

/** The name the VM must resolve: Docker Hub's registry, where most images come from. */
export const DNS_PROBE_NAME = "registry-1.docker.io";

export function probeText(scriptsDir = COLIMA_SCRIPTS_DIR): string {
  return `${fs.readFileSync(path.join(scriptsDir, "lib.sh"), "utf8")}\n${fs.readFileSync(PROBE_SCRIPT, "utf8")}`;
}

/** The remote command line: the probe's settings as assignments (macOS sshd drops SetEnv), then `/bin/bash -s`. */
export function probeCommand(host: DeclaredHost): string {
  return remoteCommand({
    MINIDOCK_PROFILE: host.profile,
    MINIDOCK_AUTOSTART: host.autostart,
    MINIDOCK_DNS_NAME: DNS_PROBE_NAME,
  });
}

const MARK = /^@@minidock-doctor (\S+) rc=(\d+)$/;

/** The probe's output by section name. Lines before the first mark (a login banner, say) belong to none. */
export function parseSections(text: string): Record<string, Section> {
  const out: Record<string, Section> = {};
  let current: { name: string; rc: number; lines: string[] } | undefined;
  const close = () => {
    if (current) out[current.name] = { rc: current.rc, out: current.lines.join("\n").replace(/\n+$/, "") };
  };
  for (const line of text.split("\n")) {
    const m = MARK.exec(line);
    if (m) {
      close();
      current = { name: m[1], rc: Number(m[2]), lines: [] };
    } else if (current) current.lines.push(line);
  }
  close();
  return out;
}

/**
 * What runs in the login shell after dial-stdio failed, over the same kind of session (no /bin/bash: the shell
 * sshd starts, which is where the Homebrew PATH problem lives). POSIX syntax: zsh, bash and sh all read it.
 */
export const DIAGNOSIS_COMMAND = `echo "shell=$SHELL"; echo "path=$PATH"; echo "docker=$(command -v docker)"; echo "docker_host=$DOCKER_HOST"`;
