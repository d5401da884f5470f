import {
  HOST_BUDGET_LABELS, LABEL, MONITORED_CONTAINER_LABELS, backupDumpOfLabel, cadvisorLabelName, containerAllocation, containerLabels,
  fromLabelList, ownerLabels, parseContainerLabels, parseVolumeLabels, secretEnvLabel, toLabelList, volumeLabels,
} from "../../lib/labels";

const input = {
  stack: "mini", host: "mini", service: "postgres", replica: 2, tier: "workload" as const,
  hostMemoryMb: 14336, hostReserveMb: 1024, hostCpus: 8, hostDiskGb: 100, configKey: "services.postgres", rollout: "stop-first" as const,
};

describe("container labels: written once, parsed once", () => {
  test("round trip: what containerLabels writes, parseContainerLabels reads back typed", () => {
    const list = toLabelList({ ...containerLabels(input), ...secretEnvLabel(["PGPASSWORD", "API_TOKEN"]), ...backupDumpOfLabel(["minidock-postgres-pgdata"]) });
    const parsed = parseContainerLabels(list);
    expect(parsed).toMatchObject({
      project: "minidock", stack: "mini", host: "mini", service: "postgres", replica: 2, tier: "workload",
      hostBudget: { memoryMb: 14336, reserveMb: 1024, cpus: 8, diskGb: 100 },
      configKey: "services.postgres",
      rollout: "stop-first",
      secretEnv: ["API_TOKEN", "PGPASSWORD"],
      backupDumpOf: ["minidock-postgres-pgdata"],
      missing: [],
      invalid: [],
    });
    expect(fromLabelList(list)).toEqual(parsed.raw);
  });

  test("the values are the contract's strings: names sorted, numbers in decimal, no config key for platform containers", () => {
    expect(containerLabels({ ...input, tier: "platform", configKey: undefined })).toEqual({
      [LABEL.project]: "minidock", [LABEL.stack]: "mini", [LABEL.host]: "mini", [LABEL.service]: "postgres", [LABEL.replica]: "2",
      [LABEL.tier]: "platform", [LABEL.hostMemoryMb]: "14336", [LABEL.hostReserveMb]: "1024", [LABEL.hostCpus]: "8", [LABEL.hostDiskGb]: "100", [LABEL.rollout]: "stop-first",
    });
    expect(secretEnvLabel(["B", "A"])).toEqual({ [LABEL.secretEnv]: "A,B" });
    expect(secretEnvLabel([])).toEqual({ [LABEL.secretEnv]: "" });
  });

  test("missing and unreadable labels are reported by key; the tier defaults to workload", () => {
    const parsed = parseContainerLabels(toLabelList({ [LABEL.host]: "mini", [LABEL.tier]: "gold", [LABEL.hostMemoryMb]: "lots", [LABEL.hostCpus]: " ", [LABEL.replica]: "0" }));
    expect(parsed.tier).toBe("workload");
    expect(parsed.replica).toBeUndefined();
    expect(parsed.hostBudget).toEqual({ memoryMb: undefined, reserveMb: undefined, cpus: undefined, diskGb: undefined });
    expect(parsed.missing).toEqual([LABEL.project, LABEL.stack, LABEL.service, LABEL.hostReserveMb, LABEL.hostDiskGb]);
    expect(parsed.invalid).toEqual([LABEL.tier, LABEL.replica, LABEL.hostMemoryMb, LABEL.hostCpus]);
  });

  test("the rollout order reads back as written; absent is stop-first, and anything else is invalid (and stop-first)", () => {
    const order = (value: string | undefined) => {
      const parsed = parseContainerLabels(toLabelList({ ...containerLabels(input), ...(value === undefined ? {} : { [LABEL.rollout]: value }) }));
      return [parsed.rollout, parsed.invalid, parsed.missing];
    };
    expect(parseContainerLabels(toLabelList(containerLabels({ ...input, rollout: "start-first" }))).rollout).toBe("start-first");
    expect(order("stop-first")).toEqual(["stop-first", [], []]);
    // Written by something other than Service, or before the label existed: a fixed name, no copy beside it.
    const unlabelled = parseContainerLabels(toLabelList(Object.fromEntries(Object.entries(containerLabels(input)).filter(([k]) => k !== LABEL.rollout))));
    expect([unlabelled.rollout, unlabelled.invalid, unlabelled.missing]).toEqual(["stop-first", [], []]);
    expect(order("")).toEqual(["stop-first", [], []]);
    for (const bad of ["Start-First", "start_first", "rolling", " start-first"]) expect(order(bad)).toEqual(["stop-first", [LABEL.rollout], []]);
  });

  test("no list, or a list of something else, reads as no labels", () => {
    for (const list of [undefined, null, "x", [1, null, { value: "v" }]]) {
      const parsed = parseContainerLabels(list);
      expect(parsed.raw).toEqual({});
      expect(parsed.missing).toHaveLength(6 + HOST_BUDGET_LABELS.length);
      expect([parsed.secretEnv, parsed.backupDumpOf]).toEqual([[], []]);
    }
  });

  test("comma-separated labels drop blanks and spaces", () => {
    const parsed = parseContainerLabels(toLabelList({ [LABEL.secretEnv]: " A, ,B ", [LABEL.backupDumpOf]: "v1,,v2" }));
    expect([parsed.secretEnv, parsed.backupDumpOf]).toEqual([["A", "B"], ["v1", "v2"]]);
  });
});

describe("volume and network labels", () => {
  test("round trip, with and without an exemption reason", () => {
    const v = { stack: "mini", host: "mini", service: "postgres", volume: "pgdata", backup: true };
    expect(volumeLabels(v)).toEqual({ ...ownerLabels("mini", "mini"), [LABEL.service]: "postgres", [LABEL.volume]: "pgdata", [LABEL.backup]: "true" });
    expect(parseVolumeLabels(toLabelList(volumeLabels(v)))).toEqual({ host: "mini", service: "postgres", volume: "pgdata", backup: true, backupExemptReason: undefined });
    const exempt = volumeLabels({ ...v, backup: false, backupExemptReason: "  a cache, rebuilt on start  " });
    expect(parseVolumeLabels(toLabelList(exempt))).toMatchObject({ backup: false, backupExemptReason: "a cache, rebuilt on start" });
  });

  test("only the exact `true` counts as backed up", () => {
    for (const value of ["TRUE", "yes", "1", ""]) expect(parseVolumeLabels([{ label: LABEL.backup, value }]).backup).toBe(false);
  });

  test("networks carry the owner labels only", () => {
    expect(ownerLabels("local", "laptop")).toEqual({ [LABEL.project]: "minidock", [LABEL.stack]: "local", [LABEL.host]: "laptop" });
  });
});

describe("a container as a budget allocation", () => {
  const labels = parseContainerLabels(toLabelList(containerLabels(input)));

  test("from its labels, memory, cpus and log options", () => {
    expect(containerAllocation({ name: "postgres-2", labels, memory: 1024, cpus: "1.5", logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3", compress: "true" } })).toEqual({
      host: "mini", service: "postgres", tier: "workload", memoryMb: 1024, cpus: 1.5, rollout: "stop-first",
      logs: { kind: "files", driver: "json-file", maxSize: "10m", sizeBytes: 10e6, files: 3, bytes: 30e6 },
    });
  });

  test("carries the rollout order, so the budget can count a start-first service's surge", () => {
    const startFirst = parseContainerLabels(toLabelList(containerLabels({ ...input, rollout: "start-first" })));
    expect(containerAllocation({ name: "agent-1", labels: startFirst, memory: 2048, cpus: 1, logDriver: "none", logOpts: undefined })?.rollout).toBe("start-first");
    const unlabelled = parseContainerLabels([{ label: LABEL.host, value: "mini" }]);
    expect(containerAllocation({ name: "stray-1", labels: unlabelled, memory: 2048, cpus: 1, logDriver: "none", logOpts: undefined })?.rollout).toBe("stop-first");
  });

  test("unreadable limits count as none; a caller's log verdict wins; no host label, no allocation", () => {
    const a = containerAllocation({ name: "x-1", labels, memory: "512", cpus: "lots", logDriver: undefined, logOpts: null, logs: { kind: "elsewhere", driver: "unknown at preview" } });
    expect(a).toMatchObject({ memoryMb: 0, cpus: 0, logs: { kind: "elsewhere", driver: "unknown at preview" } });
    expect(containerAllocation({ name: "x-1", labels, memory: 1, cpus: 1, logDriver: undefined, logOpts: undefined })?.logs).toEqual({ kind: "unbounded", driver: "json-file" });
    const unlabelled = parseContainerLabels([{ label: LABEL.service, value: "x" }]);
    expect(containerAllocation({ name: "x-1", labels: unlabelled, memory: 1, cpus: 1, logDriver: "none", logOpts: undefined })).toBeUndefined();
  });

  test("a container without a service label is named by its own name", () => {
    const hostOnly = parseContainerLabels([{ label: LABEL.host, value: "mini" }]);
    expect(containerAllocation({ name: "stray-1", labels: hostOnly, memory: 1, cpus: 1, logDriver: "none", logOpts: undefined })).toMatchObject({ service: "stray-1", tier: "workload" });
  });
});

test("cAdvisor keeps the monitored labels under Prometheus-safe names", () => {
  expect(MONITORED_CONTAINER_LABELS.map(cadvisorLabelName)).toEqual([
    "container_label_minidock_service", "container_label_minidock_host", "container_label_minidock_tier", "container_label_minidock_host_memory_mb",
  ]);
});
