import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ColimaConfig } from "./config/hosts";
import { ResolvedHost } from "./config/resolved";

/**
 * Pure pieces of ColimaHost: which script runs with which values, and the exact command line sent over SSH.
 * Kept out of the component so they are tested directly.
 */
export const COLIMA_SCRIPTS_DIR = path.resolve(__dirname, "../scripts/colima");

export type ColimaScript = "check-host" | "install" | "configure" | "start" | "docker-path" | "autostart" | "power" | "stop";

/** The text sent to `bash -s`: the shared helpers, then the script (which then skips sourcing lib.sh). */
export function scriptText(script: ColimaScript, dir = COLIMA_SCRIPTS_DIR): string {
  const lib = fs.readFileSync(path.join(dir, "lib.sh"), "utf8");
  const body = fs.readFileSync(path.join(dir, `${script}.sh`), "utf8");
  return `${lib}\n${body}`;
}

/** Colima takes whole GiB; rounding down keeps the VM within the host's memoryMb budget. */
export function colimaMemoryGiB(memoryMb: number): number {
  return Math.floor(memoryMb / 1024);
}

/** POSIX single-quoting: safe for any value in a zsh or bash command line. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `VAR=value ... /bin/bash -s`. The values go on the command line rather than in the command resource's
 * `environment`, because that is sent with ssh Setenv, which macOS sshd drops unless AcceptEnv lists the names
 * (pulumi-command#48, #430). /bin/bash because a non-interactive ssh session has no Homebrew on PATH.
 */
export function remoteCommand(env: Record<string, string>, mode: { script?: string } = {}): string {
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const run = mode.script === undefined ? "/bin/bash -s" : `/bin/bash -c ${shellQuote(mode.script)}`;
  return [...assignments, run].join(" ");
}

export function sha256(...parts: string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

/** `user@address` → the SSH connection's user and host. The config schema has already checked the shape. */
export function parseSshTarget(target: string): { user: string; host: string } {
  const at = target.indexOf("@");
  return { user: target.slice(0, at), host: target.slice(at + 1) };
}

export interface ColimaEnv {
  /** Every script: which Colima profile. */
  base: Record<string, string>;
  check: Record<string, string>;
  configure: Record<string, string>;
  autostart: Record<string, string>;
  /** Changes whenever configure's values or script change: start and the docker check re-run with it. */
  generation: string;
}

/** The MINIDOCK_* values each script reads, from the host's resolved config and the stack's log defaults. */
export function colimaEnv(host: ResolvedHost, logs: { maxSize: string; maxFiles: number }, scripts = COLIMA_SCRIPTS_DIR): ColimaEnv {
  const colima = host.colima as ColimaConfig;
  const base = { MINIDOCK_PROFILE: colima.profile };
  const configure = {
    ...base,
    MINIDOCK_CPUS: String(host.cpus),
    MINIDOCK_MEMORY_MB: String(host.memoryMb),
    MINIDOCK_DISK_GB: String(host.diskGb),
    MINIDOCK_VM_TYPE: colima.vmType,
    MINIDOCK_ROSETTA: String(colima.rosetta),
    MINIDOCK_MOUNT_TYPE: colima.mountType,
    MINIDOCK_LOG_MAX_SIZE: logs.maxSize,
    MINIDOCK_LOG_MAX_FILES: String(logs.maxFiles),
  };
  const generation = sha256(JSON.stringify(configure), scriptText("configure", scripts), scriptText("start", scripts)).slice(0, 16);
  return {
    base,
    check: { ...base, MINIDOCK_ROSETTA: String(colima.rosetta) },
    configure,
    autostart: { ...base, MINIDOCK_AUTOSTART: colima.autostart },
    generation,
  };
}
