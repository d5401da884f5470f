import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import * as YAML from "yaml";
import { PROJECT } from "../../lib/naming";
import { LoadedStack, PROJECT_DIR } from "../stackRun";
import { Toolchain, pulumiCommand } from "./toolchain";

/**
 * A stack on a throwaway, self-managed backend, for driving the real engine without touching the user's
 * stacks or files: its own project directory (a Pulumi.yaml whose `main` is this repository, and a copy of the
 * stack file), its own file backend, PULUMI_HOME and passphrase.
 *
 * Secret config keys that the stack file references but does not set, and `secure:` values that only the
 * stack's own passphrase could decrypt, are set as secrets: placeholders for a preview, random values for a
 * real deployment (`secrets: "random"`), which the sandbox keeps for its later runs.
 */
export interface SandboxOptions {
  /** Keep state here across runs (the e2e does); default: a fresh temporary directory, removed by cleanup(). */
  dir?: string;
  secrets: "placeholder" | "random";
}

export interface Sandbox {
  dir: string;
  stack: Stack;
  /** Copies the stack file again after it changed (the secrets the sandbox set are kept). */
  resync(): void;
  /** Removes the sandbox unless it was given a dir. */
  cleanup(): void;
}

export const PREVIEW_PLACEHOLDER = "preview-placeholder-secret";

/** The stack file without its `secure:` values (LoadedStack.encrypted names them; they are re-set as secrets). */
export function stackFileWithoutCiphertext(file: string): string {
  const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"));
  const config = doc.get("config") as YAML.YAMLMap | undefined;
  if (config && YAML.isMap(config)) {
    for (const item of [...config.items]) {
      if (YAML.isMap(item.value) && item.value.has("secure")) config.delete(item.key);
    }
  }
  return doc.toString();
}

/**
 * The sandbox's copy of the stack file: the source without its ciphertext, plus the secrets and the passphrase
 * salt that the sandbox itself set.
 */
function syncStackFile(source: string, copy: string): void {
  const text = stackFileWithoutCiphertext(source);
  type StackFile = { config?: Record<string, unknown>; encryptionsalt?: string };
  const kept = fs.existsSync(copy) ? (YAML.parse(fs.readFileSync(copy, "utf8")) as StackFile) : {};
  const next = YAML.parse(text) as StackFile;
  next.config = next.config ?? {};
  // The passphrase provider's salt: without it the secrets set earlier no longer decrypt.
  if (kept.encryptionsalt) next.encryptionsalt = kept.encryptionsalt;
  for (const [k, v] of Object.entries(kept.config ?? {})) {
    if (v && typeof v === "object" && "secure" in v && !(k in next.config)) next.config[k] = v;
  }
  fs.writeFileSync(copy, YAML.stringify(next));
}

export async function openSandbox(loaded: LoadedStack, tc: Toolchain, opts: SandboxOptions): Promise<Sandbox> {
  const owned = opts.dir === undefined;
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "minidock-engine-"));
  for (const sub of ["project", "state", "home"]) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const projectDir = path.join(dir, "project");

  // The project: this repository's Pulumi.yaml, pointed back at the repository for the program itself.
  const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  project.main = path.relative(projectDir, PROJECT_DIR);
  fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), YAML.stringify(project));

  const stackName = loaded.target.stack;
  const stackFile = path.join(projectDir, `Pulumi.${stackName}.yaml`);
  if (!fs.existsSync(path.join(dir, "passphrase"))) fs.writeFileSync(path.join(dir, "passphrase"), crypto.randomBytes(24).toString("base64"), { mode: 0o600 });
  syncStackFile(loaded.target.file, stackFile);

  const ws = await LocalWorkspace.create({
    workDir: projectDir,
    pulumiHome: path.join(dir, "home"),
    pulumiCommand: await pulumiCommand(tc),
    envVars: {
      ...tc.env,
      PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, "passphrase"),
    },
  });
  const stack = (await ws.listStacks()).some((s) => s.name === stackName)
    ? await Stack.select(stackName, ws)
    : await Stack.create(stackName, ws);

  const needed = [...new Set([...loaded.placeholders, ...loaded.encrypted])];
  const already = await stack.getAllConfig();
  for (const key of needed) {
    const full = `${PROJECT}:${key}`;
    if (already[full]) continue;
    const value = opts.secrets === "random" ? crypto.randomBytes(18).toString("base64url") : PREVIEW_PLACEHOLDER;
    await stack.setConfig(full, { value, secret: true });
  }
  return {
    dir,
    stack,
    resync: () => {
      syncStackFile(loaded.target.file, stackFile);
    },
    cleanup: () => {
      if (owned) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
