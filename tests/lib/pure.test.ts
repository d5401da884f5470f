import { execFileSync } from "child_process";
import * as path from "path";

/**
 * The pure layer (config contract, budget, names, images, addresses, container inputs, ACL and monitoring
 * generators) and the pack's rules load no Pulumi SDK: they are what the pack, the tools and the tests share, and
 * loading @pulumi/pulumi costs each of them about half a second. Checked in a fresh node process, where
 * require.cache shows exactly what a module pulls in.
 */
const ROOT = path.resolve(__dirname, "../..");
const PURE = [
  "lib/config/resolve", "lib/config/errors", "lib/budget", "lib/naming", "lib/labels", "lib/dockerTypes", "lib/configKeys", "lib/images", "lib/addresses",
  "lib/platform/tailscale/acl", "lib/platform/monitoring/prometheus", "lib/platform/monitoring/alertRules", "lib/defaults",
  "lib/containerInputs", "lib/rollout",
  // The rules too: they need only @pulumi/policy's proxy.js, not the SDK behind its index (policies/ruleKit.ts).
  "policies/allPolicies",
];

test("pure modules load no Pulumi SDK", () => {
  const script = `
    const loaded = {};
    for (const m of ${JSON.stringify(PURE)}) {
      const before = new Set(Object.keys(require.cache));
      require("./" + m);
      loaded[m] = Object.keys(require.cache).filter((k) => !before.has(k) && /node_modules\\/@pulumi\\/(pulumi|docker|command|tailscale)\\//.test(k)).length;
    }
    console.log(JSON.stringify(loaded));`;
  const out = JSON.parse(execFileSync(process.execPath, ["-r", "./tools/register.js", "-e", script], { cwd: ROOT, encoding: "utf8" })) as Record<string, number>;
  expect(Object.entries(out).filter(([, n]) => n > 0)).toEqual([]);
  expect(Object.keys(out)).toEqual(PURE);
});
