/* eslint-disable @typescript-eslint/no-require-imports -- preloaded with node -r, before any TypeScript can run */
/**
 * Preloaded into the policy pack's process by tests/policies/pack.grpc.test.ts. @pulumi/pulumi's run-policy-pack
 * registers ts-node with type checking, which costs about 10 s of CPU per start; the types of the same files are
 * checked by `npm run lint`, and `npm run test:engine` starts the pack through the real CLI with type checking on.
 * So here ts-node only transpiles: everything else (the runner, the gRPC server, the pack) is unchanged.
 */
const tsNode = require("ts-node");

const register = tsNode.register;
tsNode.register = (options = {}) => register({ ...options, typeCheck: false, transpileOnly: true });
