import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, allPolicies } from "./allPolicies";

/**
 * The CrossGuard pack. Run it with
 *   pulumi preview --policy-pack policies --policy-pack-config policies/mini.json
 * Constructing a PolicyPack starts the analyzer's gRPC server, so this is the only file that does; tests and
 * `npm run check` import policies/allPolicies.ts and run the same objects through tools/offline/policyRuntime.ts.
 */
new PolicyPack(PACK_NAME, {
  policies: allPolicies,
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  description: "minidock: memory budget per host and Docker security rules, checked at preview",
});
