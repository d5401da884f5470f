/**
 * `npm run status -- --stack NAME | --config FILE [--host NAME] [--json | --watch [--interval SECONDS]]`: what
 * actually runs on each host of a stack, against what the stack declares, read from each host's own daemon at
 * the stack's own address (ssh:// for a mini, the local socket for `local`), so it works while monitoring is down.
 *
 * The declaration is the program's: index.ts evaluated under mocks once (tools/stackRun.ts evaluate), its
 * containers, networks and volumes with their inputs (tools/status/declared.ts). Each host is then read
 * (tools/status/observe.ts) and judged (tools/status/judge.ts); --watch reads and judges again every interval.
 *
 * Exit status (docs/runbook.md#daily-about-2-minutes):
 *   0  every host ok
 *   1  at least one host degraded, none down
 *   2  at least one host down (its daemon does not answer, or none of its declared containers runs)
 *   64 usage error: unknown flag, no such stack file, --watch without a terminal
 *   78 the stack config is invalid (the program would refuse it)
 *   70 status itself failed (a bug: the message says where)
 * --json prints one document (schemas/status.schema.json) whatever the verdict; usage and config errors print
 * nothing on stdout.
 */
import Docker from "dockerode";
import { ConfigError } from "../lib/config/errors";
import { dockerClient } from "./deploy/docker";
import {
  HelpRequested, UsageError, evaluate, loadStack, parseToolArgs, redactDeep, relativeToCwd, resolveTarget,
} from "./stackRun";
import { DeclaredHost, DeclaredStack, declaredStack } from "./status/declared";
import { HostStatus, StatusDocument, judgeHost, statusDocument } from "./status/judge";
import { Observation, observeHost } from "./status/observe";
import { renderText } from "./status/render";

export const USAGE =
  "npm run status -- --stack NAME | --config FILE [--host NAME] [--json | --watch [--interval SECONDS]]";

export const EXIT = { ok: 0, degraded: 1, down: 2, usage: 64, software: 70, config: 78 } as const;

/** The stack config is invalid: exit 78, distinct from a usage error. */
export class StackConfigProblem extends Error {}

/** How long one host may take to answer everything before it counts as down. */
export const HOST_TIMEOUT_MS = 60_000;

export interface StatusIo {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
  /** The daemon client of a host (tests: one pointed at a private dockerd). */
  client: (h: DeclaredHost) => Docker;
  now: () => number;
  /** Calls `stop` on Ctrl-C (SIGINT) while --watch runs; answers a function that removes the handler. */
  onInterrupt: (stop: () => void) => () => void;
}

const defaultIo = (): StatusIo => ({
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  isTTY: process.stdout.isTTY === true,
  client: (h) => dockerClient({ name: h.name, dockerHost: h.dockerHost }),
  now: Date.now,
  onInterrupt: (stop) => {
    process.once("SIGINT", stop);
    return () => process.removeListener("SIGINT", stop);
  },
});

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** One look at every host: read in parallel, judged at one instant. */
export async function collect(stack: DeclaredStack, hosts: DeclaredHost[], clients: Map<string, Docker>, now: () => number, timeoutMs = HOST_TIMEOUT_MS): Promise<StatusDocument> {
  const started = now();
  const observed = await Promise.all(hosts.map((h) =>
    withTimeout(observeHost(clients.get(h.name)!, stack.stack, h, started), timeoutMs, `host ${h.name}`)
      .catch((e: Error): Observation => ({ reachable: false, error: e.message }))));
  const statuses: HostStatus[] = hosts.map((h, i) => judgeHost(stack, h, observed[i], started));
  return statusDocument(stack, statuses, started);
}

export interface Prepared {
  declared: DeclaredStack;
  hosts: DeclaredHost[];
  secretValues: string[];
}

/** The stack file, its validation and the program's declaration; usage and config problems are thrown. */
export async function prepare(opts: { stack?: string; config?: string; host?: string }): Promise<Prepared> {
  const target = resolveTarget({ stack: opts.stack, config: opts.config });
  const loaded = loadStack(target);
  const refuse = (e: ConfigError) => new StackConfigProblem(`${relativeToCwd(target.file)}: ${e.message}`);
  if (loaded.configError) throw refuse(loaded.configError);
  const ev = await evaluate(loaded);
  // The program can refuse the config beyond the contract (platform checks).
  if (loaded.configError) throw refuse(loaded.configError);
  const declared = declaredStack(loaded.resolved!, ev.resources);
  let hosts = declared.hosts;
  if (opts.host !== undefined) {
    hosts = hosts.filter((h) => h.name === opts.host);
    if (hosts.length === 0) throw new UsageError(`--host ${opts.host}: stack ${target.stack} has no such host (it has ${declared.hosts.map((h) => h.name).join(", ")})`);
  }
  return { declared, hosts, secretValues: loaded.secretValues };
}

const CLEAR = "\x1b[H\x1b[2J";

export async function main(argv: string[], io: StatusIo = defaultIo()): Promise<number> {
  const { values } = parseToolArgs(argv, {
    stack: { type: "string" },
    config: { type: "string" },
    host: { type: "string" },
    json: { type: "boolean", default: false },
    watch: { type: "boolean", default: false },
    interval: { type: "string" },
  });
  if (values.stack === undefined && values.config === undefined) throw new UsageError("expected --stack NAME or --config FILE");
  if (values.watch && values.json) throw new UsageError("--watch redraws text on a terminal and --json prints one document: choose one");
  if (values.interval !== undefined && !values.watch) throw new UsageError("--interval goes with --watch");
  const intervalS = values.interval === undefined ? 10 : Number(values.interval);
  if (!Number.isInteger(intervalS) || intervalS < 1) throw new UsageError(`--interval ${values.interval}: expected a whole number of seconds >= 1`);
  if (values.watch && !io.isTTY) {
    throw new UsageError("--watch redraws the screen in place and needs a terminal; stdout is not one. In a script or cron job run status without --watch and use its exit status (or --json)");
  }
  const p = await prepare(values);
  const clients = new Map(p.hosts.map((h) => [h.name, io.client(h)]));
  const once = async () => redactDeep(await collect(p.declared, p.hosts, clients, io.now), p.secretValues) as StatusDocument;

  if (!values.watch) {
    const doc = await once();
    io.out(values.json ? JSON.stringify(doc, null, 2) : renderText(doc));
    return doc.exitCode;
  }
  let last: number = EXIT.ok;
  let stop = false;
  let wake: (() => void) | undefined;
  const removeHandler = io.onInterrupt(() => {
    stop = true;
    wake?.();
  });
  try {
    while (!stop) {
      const doc = await once();
      last = doc.exitCode;
      io.out(`${CLEAR}${renderText(doc)}\n\nrefreshing every ${intervalS} s; Ctrl-C to stop`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, intervalS * 1000).unref();
      });
    }
  } finally {
    removeHandler();
  }
  return last;
}

/** runMain's contract with status's own codes: 2 means down here, so a usage error is 64 (sysexits EX_USAGE). */
export function exitCodeOfError(e: unknown): number {
  if (e instanceof HelpRequested) return EXIT.ok;
  if (e instanceof UsageError) return EXIT.usage;
  if (e instanceof StackConfigProblem) return EXIT.config;
  return EXIT.software;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => finish(code),
    (e: unknown) => {
      const code = exitCodeOfError(e);
      if (e instanceof HelpRequested) console.log(`usage: ${USAGE}`);
      else if (e instanceof UsageError) console.error(`error: ${e.message}\nusage: ${USAGE}`);
      else if (e instanceof StackConfigProblem) console.error(`error: ${e.message}`);
      else console.error(`error: ${(e as Error)?.stack ?? String(e)}`);
      finish(code);
    },
  );
}

/** An ssh dial-stdio process can outlive the answer it carried; the verdict is out, so do not wait for it. */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 500).unref();
}
