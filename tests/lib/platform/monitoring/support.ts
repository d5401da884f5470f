import { monitoringSchema } from "../../../../lib/platform/monitoring/config";
import { MonitoringContext } from "../../../../lib/platform/monitoring/context";

/** A monitoring context as the mini stack would produce it; tests override one field at a time. */
export function testContext(over: Partial<MonitoringContext> = {}, monitoring: Record<string, unknown> = {}): MonitoringContext {
  return {
    stack: "mini",
    host: "mini",
    memoryMb: 14336,
    reserveMb: 1024,
    monitoring: monitoringSchema.parse({ enabled: true, ...monitoring }),
    backupEnabled: true,
    dockerSocket: "/var/run/docker.sock",
    expected: [{ service: "agent", replicas: 3 }, { service: "postgres", replicas: 1 }],
    ...over,
  };
}

