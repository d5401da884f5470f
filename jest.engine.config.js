/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS config, loaded by jest itself */
/**
 * Tests that judge the program with the real engine: the Pulumi CLI, the docker provider and the policy pack
 * (`npm run test:engine`). They need the CLI (installed, or built by scripts/toolchain.sh) and take minutes, so
 * `npm test` leaves them out; .ci/run runs them.
 */
const base = require("./jest.config");

module.exports = {
  ...base,
  testPathIgnorePatterns: ["/node_modules/"],
  roots: ["<rootDir>/tests/engine"],
  testTimeout: 900000,
  maxConcurrency: 2,
};
