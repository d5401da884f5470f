import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { PROJECT_DIR } from "../stackRun";

/**
 * Where the real Pulumi CLI comes from, for every tool that drives the engine (preview, e2e, up:local).
 *
 * In order: MINIDOCK_PULUMI_BIN (a directory holding `pulumi`), a `pulumi` on PATH (the usual install, which
 * downloads its plugins itself), then the toolchain that scripts/toolchain.sh built from Go modules (CLI,
 * Node.js language host and docker provider; plugin downloads turned off, since they cannot work where that
 * build is needed).
 */
export interface Toolchain {
  /** The directory of the `pulumi` binary. */
  binDir: string;
  source: "MINIDOCK_PULUMI_BIN" | "PATH" | "scripts/toolchain.sh";
  /** Environment for the CLI and its plugins. */
  env: Record<string, string>;
}

export class ToolchainMissing extends Error {
  constructor() {
    super(
      "the Pulumi CLI was not found. Either install it (https://www.pulumi.com/docs/install/) and put it on PATH, " +
        "or build the pinned one from Go modules with `bash scripts/toolchain.sh` (Go 1.25+; 5 to 15 minutes the " +
        "first time, seconds after that).",
    );
    this.name = "ToolchainMissing";
  }
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, binary))) return dir;
  }
  return undefined;
}

function builtToolchain(): string | undefined {
  const r = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "toolchain.sh"), "--cached"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The env every engine run gets: no update check, no telemetry prompts, nothing interactive. */
const QUIET = { PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_SKIP_CONFIRMATIONS: "true" };

export function findToolchain(): Toolchain {
  const explicit = process.env.MINIDOCK_PULUMI_BIN;
  if (explicit) {
    if (!fs.existsSync(path.join(explicit, "pulumi"))) throw new Error(`MINIDOCK_PULUMI_BIN=${explicit}: no pulumi binary there`);
    return { binDir: explicit, source: "MINIDOCK_PULUMI_BIN", env: withBuiltPlugins(explicit) };
  }
  const installed = onPath("pulumi");
  if (installed) return { binDir: installed, source: "PATH", env: { ...QUIET } };
  const built = builtToolchain();
  if (built) return { binDir: built, source: "scripts/toolchain.sh", env: withBuiltPlugins(built) };
  throw new ToolchainMissing();
}

/**
 * A bin directory with plugins beside the CLI: they are found on PATH, and the engine must not try to download
 * a plugin it lacks (that fails slowly where downloads are blocked); it reports the missing plugin instead.
 */
function withBuiltPlugins(binDir: string): Record<string, string> {
  return {
    ...QUIET,
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
}

/** The Automation API's handle on that CLI. */
export async function pulumiCommand(tc: Toolchain): Promise<PulumiCommand> {
  // PulumiCommand.get({ root }) runs root/bin/pulumi.
  if (path.basename(tc.binDir) !== "bin") {
    throw new Error(`${tc.source}=${tc.binDir}: the Automation API runs <root>/bin/pulumi, so the directory must be named bin`);
  }
  return PulumiCommand.get({ root: path.dirname(tc.binDir), skipVersionCheck: true });
}
