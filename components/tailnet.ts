import * as pulumi from "@pulumi/pulumi";
import * as tailscale from "@pulumi/tailscale";
import { StackConfig } from "../lib/config/resolved";
import { buildPolicyFile, renderPolicyFile } from "../lib/platform/tailscale/acl";
import { deviceLookup } from "../lib/platform/tailscale/device";

export interface TailnetArgs {
  /** The resolved stack config; its `tailscale` section must be enabled. */
  config: StackConfig;
  /** Explicit Tailscale provider; default: the stack's `tailscale:*` provider config. */
  provider?: tailscale.Provider;
}

/**
 * The tailnet side of the stack: the policy file (who reaches what, generated with its own tests) and one
 * pre-authorized, tagged auth key per remote host. Each host's Tailscale container is a platform service
 * (lib/platform/tailscale/), deployed through the same Service component as everything else with its host's key.
 */
export class Tailnet extends pulumi.ComponentResource {
  public readonly acl: tailscale.Acl;
  public readonly authKeys: Record<string, tailscale.TailnetKey>;
  /** Per remote host reached by a MagicDNS name: hostTag on the mini's own node (tailscale.tagHosts). */
  public readonly deviceTags: Record<string, tailscale.DeviceTags>;
  /** The rendered policy file (HuJSON), as applied. */
  public readonly policyFile: string;

  constructor(name: string, args: TailnetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("minidock:index:Tailnet", name, {}, opts);
    const ts = args.config.tailscale;
    const child = { parent: this, provider: args.provider };

    this.policyFile = renderPolicyFile(buildPolicyFile(ts));
    // Owns the tailnet's WHOLE policy file. Tailscale runs its `tests` and refuses a file that fails them.
    this.acl = new tailscale.Acl(`${name}-acl`, {
      acl: this.policyFile,
      overwriteExistingContent: ts.acl.overwriteExistingContent,
      resetAclOnDestroy: ts.acl.resetOnDestroy,
    }, child);

    this.deviceTags = {};
    if (ts.tagHosts) {
      for (const host of args.config.hosts.filter((h) => h.remote)) {
        const lookup = deviceLookup(host.ssh!);
        if (!lookup) continue;
        // Looked up at preview (an invoke): the mini must already be on the tailnet, which is how it is reached.
        const device = tailscale.getDeviceOutput(lookup, { parent: this, provider: args.provider });
        // Kept on destroy: untagging the mini would take it out of the grants, and with it SSH to it.
        this.deviceTags[host.name] = new tailscale.DeviceTags(`${host.name}-tailscale-tags`, {
          deviceId: device.nodeId,
          tags: [ts.hostTag],
        }, { ...child, dependsOn: [this.acl], retainOnDelete: true });
      }
    }

    this.authKeys = {};
    for (const host of args.config.hosts.filter((h) => h.remote)) {
      // Single-use (one key per node), never re-created: the node's state volume keeps it joined, and a new key
      // would only replace the container. The tag must be in tagOwners first, hence the dependency on the ACL.
      const key = new tailscale.TailnetKey(`${host.name}-tailscale-authkey`, {
        // The API takes letters, digits and spaces here (at most 50 characters).
        description: `minidock ${args.config.stack} ${host.name}`.replace(/[^A-Za-z0-9 ]/g, " ").slice(0, 50),
        reusable: false,
        ephemeral: false,
        preauthorized: true,
        tags: [ts.hostTag],
        expiry: ts.authKeyExpiryDays * 24 * 60 * 60,
        recreateIfInvalid: "never",
      }, { ...child, dependsOn: [this.acl], additionalSecretOutputs: ["key"] });
      this.authKeys[host.name] = key;
    }

    this.registerOutputs({ acl: this.acl.id, hosts: Object.keys(this.authKeys) });
  }
}
