import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { StackTarget } from "../stackRun";

/**
 * The docker-only variant of a stack file, for a real preview where only the docker provider is available (the
 * toolchain that scripts/toolchain.sh builds: the Go module proxy serves no command or tailscale provider).
 *
 * Every host reached over SSH becomes a plain `dockerHost: ssh://user@host[:port]`: the same docker provider,
 * containers, networks, volumes and policies, without the Colima resources that provision the VM over SSH
 * (@pulumi/command). The tailnet section is switched off (@pulumi/tailscale). Everything else is unchanged.
 */
export function dockerOnlyText(file: string): { text: string; changed: string[] } {
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const config = doc.config ?? {};
  const changed: string[] = [];
  const hosts = config["minidock:hosts"] as Record<string, Record<string, unknown>> | undefined;
  for (const [name, h] of Object.entries(hosts ?? {})) {
    if (typeof h?.ssh !== "string") continue;
    const port = typeof h.sshPort === "number" && h.sshPort !== 22 ? `:${h.sshPort}` : "";
    h.dockerHost = `ssh://${h.ssh}${port}`;
    delete h.ssh;
    delete h.sshPort;
    delete h.colima;
    changed.push(`hosts.${name}: ssh -> dockerHost ${h.dockerHost as string} (no Colima resources)`);
  }
  const ts = config["minidock:tailscale"] as Record<string, unknown> | undefined;
  if (ts?.enabled === true) {
    config["minidock:tailscale"] = { ...ts, enabled: false };
    changed.push("tailscale: enabled -> false (no tailnet resources)");
  }
  return { text: YAML.stringify(doc), changed };
}

/** Writes the variant as Pulumi.<stack>.yaml in dir; the policy config stays the stack's own. */
export function dockerOnlyTarget(target: StackTarget, dir: string): { target: StackTarget; changed: string[] } {
  const { text, changed } = dockerOnlyText(target.file);
  const file = path.join(dir, `Pulumi.${target.stack}.yaml`);
  fs.writeFileSync(file, text);
  return { target: { ...target, file }, changed };
}
