import { normalizeHostPath, runtimeSocketReason, sensitiveReason } from "../../policies/mounts";
import { LABEL } from "../../lib/labels";
import { check, container, mutate, of, setLabel, UNKNOWN_STRING, violations, volume } from "./support";

/** Mount rules: Container volumes[].hostPath, mounts[type=bind], and local-driver docker.Volume bind mounts. */
const bind = (source: string, extra: Record<string, unknown> = {}) => mutate(container(), "mounts", [{ type: "bind", source, target: "/host", readOnly: true, ...extra }]);
const hostVolume = (hostPath: string, readOnly = true) => mutate(container(), "volumes", [{ hostPath, containerPath: "/host", readOnly }]);

describe("path normalization (the reference tools' pitfall)", () => {
  test.each([
    ["/etc/../etc/shadow", "/etc/shadow"],
    ["/var/run//docker.sock", "/var/run/docker.sock"],
    ["/srv/data/", "/srv/data"],
    ["/./proc", "/proc"],
    ["//", "/"],
  ])("%s -> %s", (input, out) => expect(normalizeHostPath(input)).toBe(out));
});

describe("sensitive host paths", () => {
  test.each(["/", "/etc", "/etc/shadow", "/etc/../etc/shadow", "/proc/1", "/sys/", "/dev/sda", "/usr/bin", "/boot", "/lib/modules", "/root", "/home/dev/project", "/Users/dev", "~/.ssh", "/srv/x/.ssh/id_ed25519", "/var/lib/docker/volumes"])(
    "%s is sensitive", (p) => expect(sensitiveReason(p)).toBeDefined(),
  );
  test.each(["/srv/minidock/data", "/opt/app", "/var/lib/minidock", "/etcetera"])("%s is not", (p) => expect(sensitiveReason(p)).toBeUndefined());

  test("a Container bind mount of /etc fails", async () => {
    expect(await violations("mounts-no-sensitive-host-paths", [bind("/etc/")])).toEqual([expect.stringMatching(/mounts\[0\]\.source "\/etc\/": mounts under \/etc/)]);
  });
  test("a Container volumes[].hostPath with .. fails", async () => {
    expect(await violations("mounts-no-sensitive-host-paths", [hostVolume("/srv/../proc")])).toHaveLength(1);
  });
  test("a named volume (no hostPath) and a plain directory pass", async () => {
    expect(await violations("mounts-no-sensitive-host-paths", [container(), hostVolume("/srv/minidock/in")])).toEqual([]);
  });
  test("a docker.Volume with driver local, o=bind, device=/etc is a bind mount in disguise", async () => {
    const v = volume("sneaky", { driver: "local", driverOpts: { type: "none", o: "bind", device: "/etc" } });
    expect(await violations("mounts-no-sensitive-host-paths", [v])).toEqual([expect.stringMatching(/sneaky: driverOpts\.device "\/etc"/)]);
  });
  test("the same with the driver unset (local is the default)", async () => {
    const v = volume("sneaky", { driverOpts: { o: "rbind,ro", device: "/home/dev" } });
    expect(await violations("mounts-no-sensitive-host-paths", [v])).toHaveLength(1);
  });
  test("a docker.Volume of another driver, or without bind, passes", async () => {
    expect(await violations("mounts-no-sensitive-host-paths", [
      volume("nfs", { driver: "local", driverOpts: { type: "nfs", o: "addr=10.0.0.1", device: ":/export" } }),
      volume("plugin", { driver: "rexray", driverOpts: { o: "bind", device: "/etc" } }),
    ])).toEqual([]);
  });
  test("an unknown bind source is reported, not skipped", async () => {
    const r = await check([bind(UNKNOWN_STRING)]);
    expect(of(r, "mounts-no-sensitive-host-paths").map((v) => v.message)).toContainEqual(expect.stringMatching(/mounts\[0\]\.source is not known at preview/));
  });
});

describe("container-runtime sockets", () => {
  test.each(["/var/run/docker.sock", "/run/docker.sock", "/var/run//docker.sock", "/run/containerd/containerd.sock", "/var/run/crio/crio.sock",
    "/run/podman/podman.sock", "/Users/dev/.colima/default/docker.sock", "/var/run", "/run", "/var", "/"])("%s exposes a socket", (p) => expect(runtimeSocketReason(p)).toBeDefined());
  test.each(["/srv/app", "/tmp/app.sock", "/var/lib/minidock"])("%s does not", (p) => expect(runtimeSocketReason(p)).toBeUndefined());

  test("a read-only bind of docker.sock still fails (a socket takes writes regardless)", async () => {
    expect(await violations("mounts-no-runtime-socket", [bind("/var/run/docker.sock")])).toEqual([expect.stringMatching(/docker\.sock/)]);
  });
  test("a bind volume of /run/containerd fails", async () => {
    expect(await violations("mounts-no-runtime-socket", [volume("ctr", { driverOpts: { o: "bind", device: "/run/containerd" } })])).toHaveLength(1);
  });
});

describe("host mounts read-only", () => {
  test("a writable bind mount fails", async () => {
    expect(await violations("mounts-host-read-only", [bind("/srv/in", { readOnly: false })])).toEqual([expect.stringMatching(/is writable/)]);
  });
  test("a writable volumes[].hostPath fails; read-only passes", async () => {
    expect(await violations("mounts-host-read-only", [hostVolume("/srv/in", false)])).toHaveLength(1);
    expect(await violations("mounts-host-read-only", [hostVolume("/srv/in", true)])).toEqual([]);
  });
  test("a bind volume needs ro in its options", async () => {
    expect(await violations("mounts-host-read-only", [volume("rw", { driverOpts: { o: "bind", device: "/srv/in" } })])).toHaveLength(1);
    expect(await violations("mounts-host-read-only", [volume("ro", { driverOpts: { o: "bind,ro", device: "/srv/in" } })])).toEqual([]);
  });
  test("named volumes are not host mounts", async () => {
    expect(await violations("mounts-host-read-only", [container()])).toEqual([]);
  });
});

describe("mount propagation", () => {
  test.each(["shared", "rshared"])("%s fails", async (propagation) => {
    expect(await violations("mounts-no-shared-propagation", [bind("/srv/in", { bindOptions: { propagation } })])).toEqual([expect.stringMatching(propagation)]);
  });
  test.each(["rprivate", "rslave"])("%s passes", async (propagation) => {
    expect(await violations("mounts-no-shared-propagation", [bind("/srv/in", { bindOptions: { propagation } })])).toEqual([]);
  });
});

describe("messages name the user's config key", () => {
  const ofService = <T extends ReturnType<typeof container>>(r: T) => setLabel(r, LABEL.configKey, "services.app");

  test("a config service's bind mount is its unsafe.hostMounts entry", async () => {
    const second = mutate(container(), "mounts", [
      { type: "bind", source: "/srv/in", target: "/in", readOnly: true },
      { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true },
    ]);
    expect(await violations("mounts-no-runtime-socket", [ofService(second)])).toEqual([
      expect.stringMatching(/^mandatory app-1: services\.app\.unsafe\.hostMounts\[1\] \(mounts\[1\]\.source\) "\/var\/run\/docker\.sock": exposes/),
    ]);
    expect(await violations("mounts-host-read-only", [ofService(bind("/srv/in", { readOnly: false }))])).toEqual([
      expect.stringMatching(/services\.app\.unsafe\.hostMounts\[0\] \(mounts\[0\]\.source\) "\/srv\/in": is writable; set readOnly: true/),
    ]);
  });

  test("a container volumes[i].hostPath is volumes[i]; a container no config declared keeps the input alone", async () => {
    expect(await violations("mounts-no-sensitive-host-paths", [ofService(hostVolume("/etc"))])).toEqual([
      expect.stringMatching(/services\.app\.volumes\[0\] \(volumes\[0\]\.hostPath\) "\/etc": mounts under \/etc/),
    ]);
    expect(await violations("mounts-no-sensitive-host-paths", [hostVolume("/etc")])).toEqual([expect.stringMatching(/app-1: volumes\[0\]\.hostPath "\/etc"/)]);
  });

  test("a docker.Volume of a service names the service's volumes key from its labels", async () => {
    const v = setLabel(setLabel(volume("app-data", { driverOpts: { o: "bind", device: "/etc" }, labels: [] }), LABEL.service, "app"), LABEL.volume, "data");
    expect(await violations("mounts-no-sensitive-host-paths", [v])).toEqual([
      expect.stringMatching(/services\.app\.volumes \(volume data, minidock-app-data, driverOpts\.device\) "\/etc": mounts under \/etc/),
    ]);
  });

  test("labels unknown at preview: the message falls back to the input, the verdict stands", async () => {
    const c = bind("/etc");
    c.inputs.labels = UNKNOWN_STRING;
    expect(await violations("mounts-no-sensitive-host-paths", [c])).toContainEqual(expect.stringMatching(/mounts\[0\]\.source "\/etc": mounts under \/etc/));
  });
});
