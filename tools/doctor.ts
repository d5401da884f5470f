/**
 * `npm run doctor -- --stack NAME [--host NAME] [--json]`: preflight and diagnosis of each host of a stack.
 *
 * For a mini (a host with `ssh:`), over the same SSH the docker provider uses (lib/ssh.ts, tools/deploy/docker.ts):
 * the ssh client's ControlMaster/ControlPersist and known_hosts, `docker system dial-stdio` (with the Homebrew PATH
 * diagnosis when it fails), the daemon's capacity, then through one SSH session (tools/doctor/probe.sh): the colima
 * and lima versions against lib/hostVersions.ts, the VM's CPUs, memory and disk against the host's config, clock
 * drift between the Mac and the VM, free disk in the VM and on the Mac, DNS inside the VM, minidock's launchd job,
 * and Tailscale with the host tag. A host with `dockerHost:` (the local stack) gets the daemon checks; the rest are
 * skipped with the reason. Each check prints ok, warn, fail or skip, and a fix with the docs section that explains
 * it (docs/troubleshooting.md, "Start here: npm run doctor").
 *
 * Exit: 0 no check failed (warnings allowed); 1 a check failed, or the stack config is invalid; 2 wrong usage.
 */
import { buildReport, formatJson, formatText } from "./doctor/report";
import { DoctorContext, defaultContext, diagnoseHost } from "./doctor/gather";
import { UsageError, loadStack, parseToolArgs, resolveTarget, runMain, validStack } from "./stackRun";

export const USAGE = "npm run doctor -- --stack NAME [--config FILE] [--host NAME] [--json]";

export interface DoctorIo {
  ctx: DoctorContext;
  write(text: string): void;
}

const defaultIo = (): DoctorIo => ({ ctx: defaultContext(), write: (t) => void process.stdout.write(t) });

export async function main(argv: string[], io: DoctorIo = defaultIo()): Promise<number> {
  const { values } = parseToolArgs(argv, {
    stack: { type: "string" }, config: { type: "string" }, host: { type: "string" }, json: { type: "boolean" },
  });
  if (values.stack === undefined && values.config === undefined) throw new UsageError("expected --stack NAME");
  const loaded = validStack(loadStack(resolveTarget({ stack: values.stack, config: values.config })));
  if (!loaded) return 1;
  const stack = loaded.resolved;
  let hosts = stack.hosts;
  if (values.host !== undefined) {
    hosts = hosts.filter((h) => h.name === values.host);
    if (hosts.length === 0) throw new UsageError(`--host ${values.host}: no such host in stack ${stack.stack} (hosts: ${stack.hosts.map((h) => h.name).join(", ")})`);
  }
  const reports = [];
  for (const h of hosts) reports.push(await diagnoseHost(io.ctx, h, stack));
  const report = buildReport(stack.stack, reports);
  io.write(values.json ? formatJson(report) : formatText(report));
  return report.exitCode;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
