import { PlatformServiceDefinition } from "../definition";
import { TailscaleConfig, checkTailscale, tailscaleSchema } from "./config";
import { tailscaleSpec } from "./container";

/**
 * Tailnet access (`minidock:tailscale`): per remote host, a Tailscale container serving the chosen services. The
 * policy file and the auth keys are resources of the Tailnet component (components/tailnet.ts); the container gets
 * its host's key through PlatformInputs.tailnetAuthKey.
 */
export const tailscalePlatform: PlatformServiceDefinition<TailscaleConfig> = {
  key: "tailscale",
  schema: tailscaleSchema.default({}),
  check: (tailscale, stack, ctx) =>
    checkTailscale({
      tailscale,
      hosts: stack.hosts,
      serviceHosts: Object.fromEntries(Object.entries(stack.services).map(([n, svc]) => [n, svc.host ?? Object.keys(stack.hosts)[0]])),
      platformServices: ctx.servable,
      networks: stack.networks,
    }, ctx.problems),
  services: ({ config, host, inputs, servable }) =>
    config.tailscale.enabled && host.remote
      ? [{ spec: tailscaleSpec(config, host, servable), secretEnv: { TS_AUTHKEY: inputs.tailnetAuthKey(host.name) } }]
      : [],
};
