import { TailscaleConfig, tailscaleSchema } from "../../../../lib/platform/tailscale/config";

/** The access model from the docs, parsed through the real schema so defaults apply as in a stack. */
export const MODEL_INPUT = {
  enabled: true,
  groups: { admins: ["alice@example.com"], devs: ["bob@example.com", "carol@example.com"] },
  hostTag: "tag:minidock",
  access: [
    { group: "admins", ports: [22], services: ["grafana"] },
    { group: "devs", services: ["postgres", "grafana"] },
  ],
  ssh: [
    { group: "admins", users: ["dev", "root"] },
    { group: "devs", users: ["dev"], action: "accept" },
  ],
  serve: [
    { service: "grafana", port: 3000 },
    { service: "postgres", port: 5432, protocol: "tcp" },
  ],
};

export function model(overrides: Record<string, unknown> = {}): TailscaleConfig {
  return tailscaleSchema.parse({ ...MODEL_INPUT, ...overrides });
}
