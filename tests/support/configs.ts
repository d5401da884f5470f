import { StackConfigValues } from "../../tools/offline/stackFile";

/**
 * A small, valid two-host stack used as the starting point of config tests; each test mutates one thing.
 * Secrets are given as plain test strings but marked secret, as `pulumi config set --secret` would.
 */
export function baseConfig() {
  return {
    hosts: {
      mini: { ssh: "dev@mini-1.example.ts.net", memoryMb: 14336, reserveMb: 1024, cpus: 8, diskGb: 100 },
      mini2: { ssh: "dev@mini-2.example.ts.net", memoryMb: 14336, cpus: 8 },
    } as Record<string, Record<string, unknown>>,
    networks: { data: { internal: true }, edge: {} } as Record<string, Record<string, unknown>>,
    services: {
      postgres: {
        image: "postgres:16.6-alpine",
        memoryMb: 1024,
        cpus: "1.0",
        // edge too: Docker publishes no port of a container whose only networks are internal.
        networks: ["data", "edge"],
        env: { POSTGRES_DB: "agents" },
        secretEnv: { POSTGRES_PASSWORD: "postgresPassword" },
        volumes: [{ name: "pgdata", path: "/var/lib/postgresql/data", backup: true }],
        ports: [{ published: 5432, target: 5432 }],
        healthcheck: { test: ["CMD-SHELL", "pg_isready -U postgres"], interval: "30s", retries: 5 },
        user: "70:70",
        tmpfs: ["/tmp", "/var/run/postgresql"],
      },
      agent: {
        image: "node:22.12.0-alpine",
        host: "mini2",
        replicas: 3,
        memoryMb: 2048,
        networks: ["edge", "data"],
        volumes: [{ name: "workspace", path: "/workspace" }],
        healthcheck: { test: ["CMD", "true"] },
      },
    } as Record<string, Record<string, unknown>>,
  };
}

export type TestStack = ReturnType<typeof baseConfig> & Record<string, unknown>;

export const TEST_SECRETS = { postgresPassword: "pg-secret-do-not-leak" };

/** The stack as the Pulumi CLI would pass it: namespaced keys, objects as JSON strings. */
export function toConfigValues(stack: Record<string, unknown>, secrets: Record<string, string> = TEST_SECRETS): StackConfigValues {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(stack)) values[`minidock:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  for (const [k, v] of Object.entries(secrets)) values[`minidock:${k}`] = v;
  return { values, secretKeys: Object.keys(secrets).map((k) => `minidock:${k}`) };
}
