/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS config, loaded by jest itself */
/**
 * Tests mirror the source layout under tests/. TypeScript is compiled by swc, without type-checking: `npm run lint`
 * (tsc --noEmit) checks types, and swc transpiles a file in a fraction of ts-jest's time. No source maps: swc keeps
 * each statement on its line, so failures still point at the right line, and mapping every stack cost a tenth of
 * the run.
 */
const os = require("os");
const path = require("path");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // The real engine's tests need the Pulumi CLI and take minutes: `npm run test:engine` (jest.engine.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/engine/"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { sourceMaps: false, jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  // Beside the other build caches (toolchain, e2e images), which CI keeps between runs; jest's default is /tmp.
  cacheDirectory: path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "minidock", "jest"),
  testTimeout: 30000,
  // Jest's default is one worker fewer than the cores: one worker on a 2-core machine. The main process only
  // schedules, and the script and CLI tests spend seconds waiting on child processes and real timeouts, so one
  // worker more than the cores keeps both busy (measured on 2 cores: 52-58 s against 68-71 s with two workers).
  maxWorkers: os.availableParallelism() + 1,
  // Lists skipped tests and why at the end of the run (tests/support/needsTool.ts).
  reporters: ["default", "<rootDir>/tests/support/skipReporter.js"],
};
