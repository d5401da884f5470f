import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { ColimaScript, colimaEnv, colimaMemoryGiB, parseSshTarget, remoteCommand, scriptText } from "../lib/colima";
import { ColimaConfig } from "../lib/config/hosts";
import { ResolvedHost } from "../lib/config/resolved";

export interface ColimaHostArgs {
  /** A remote host (reached over `ssh`); its `colima` block is resolved with defaults. */
  host: ResolvedHost;
  /** The daemon's default log rotation, the same as every container's (stack logMaxSize / logMaxFiles). */
  logs: { maxSize: string; maxFiles: number };
  /** From the secret config key named by colima.sshPrivateKeySecret; unset → the SSH agent ($SSH_AUTH_SOCK). */
  privateKey?: pulumi.Input<string>;
}

/**
 * Colima on one Mac mini, provisioned over SSH by the scripts in scripts/colima (each a remote command, the
 * script sent on stdin to `bash -s`):
 *   check → install → configure → start → autostart → docker (PATH for non-interactive ssh + `docker version`),
 *   and, when colima.configurePower, power (needs passwordless sudo) after check.
 * `ready` resolves once `docker version` worked the way the docker provider will call it; DockerHost depends
 * on this component, so one `pulumi up` converges a fresh mini.
 *
 * Re-runs: a changed value or script changes a command's `create`/`stdin`, which re-runs it as an update.
 * `triggers` is deliberately not used: with no `update` command it forces a replacement (the SDK marks it
 * replaceOnChanges), and replacing the start command would run its delete (stop) after the new start.
 * Destroy stops the VM only with colima.stopOnDestroy (it holds every volume).
 */
export class ColimaHost extends pulumi.ComponentResource {
  public readonly ready: pulumi.Output<string>;
  public readonly commands: Record<string, command.remote.Command>;

  constructor(name: string, args: ColimaHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("minidock:index:ColimaHost", name, {}, opts);
    const { host } = args;
    if (!host.remote || host.ssh === undefined || host.colima === undefined) {
      throw new Error(`ColimaHost ${name}: host ${host.name} is not reached over ssh; only remote minis run Colima`);
    }
    const colima: ColimaConfig = host.colima;
    const gib = colimaMemoryGiB(host.memoryMb);
    if (gib * 1024 !== host.memoryMb) {
      pulumi.log.warn(
        `hosts.${host.name}.memoryMb ${host.memoryMb} is not a whole GiB: the Colima VM gets ${gib} GiB (${gib * 1024} MB). ` +
          `Use a multiple of 1024 so the budget matches the VM.`,
        this,
      );
    }

    const { user, host: address } = parseSshTarget(host.ssh);
    const connection: command.types.input.remote.ConnectionArgs = {
      host: address,
      user,
      port: host.sshPort,
      ...(args.privateKey === undefined ? {} : { privateKey: args.privateKey }),
    };
    const env = colimaEnv(host, args.logs);
    const generation = { MINIDOCK_GENERATION: env.generation };

    const step = (step: string, script: ColimaScript, vars: Record<string, string>, extra: {
      dependsOn: pulumi.Resource[];
      delete?: string;
    }) =>
      new command.remote.Command(`${name}-${step}`, {
        connection,
        create: remoteCommand(vars),
        stdin: scriptText(script),
        // 1.x sends the last stdout/stderr as PULUMI_COMMAND_* env: no script reads them, macOS sshd refuses them.
        addPreviousOutputInEnv: false,
        ...(extra.delete === undefined ? {} : { delete: extra.delete }),
      }, { parent: this, dependsOn: extra.dependsOn });

    // `delete` gets the whole script on the command line: stdin is only documented for create and update.
    const onDestroy = (script: ColimaScript, vars: Record<string, string>) =>
      colima.stopOnDestroy ? remoteCommand(vars, { script: scriptText(script) }) : undefined;

    const check = step("check", "check-host", env.check, { dependsOn: [] });
    const install = step("install", "install", env.base, { dependsOn: [check] });
    const configure = step("configure", "configure", env.configure, { dependsOn: [install] });
    const start = step("start", "start", { ...env.base, ...generation }, {
      dependsOn: [configure],
      delete: onDestroy("stop", { ...env.base, ...generation }),
    });
    const autostart = step("autostart", "autostart", env.autostart, {
      dependsOn: [start],
      delete: onDestroy("autostart", { ...env.base, MINIDOCK_AUTOSTART: "none" }),
    });
    const docker = step("docker", "docker-path", { ...env.base, ...generation }, { dependsOn: [start, autostart] });
    this.commands = { check, install, configure, start, autostart, docker };
    if (colima.configurePower) this.commands.power = step("power", "power", env.base, { dependsOn: [check] });

    this.ready = docker.stdout;
    this.registerOutputs({ ready: this.ready });
  }
}
