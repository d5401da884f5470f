/**
 * Tests mirror the source layout under tests/. TypeScript is compiled by swc, without type-checking: `npm run lint`
 * (tsc --noEmit) checks types, and swc transpiles a file in a fraction of ts-jest's time.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // The real engine's tests need the Pulumi CLI and take minutes: `npm run test:engine` (jest.engine.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/engine/"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  testTimeout: 30000,
  // Jest's default is one worker fewer than the cores: one worker on a 2-core machine. The main process only
  // schedules, so every core runs tests.
  maxWorkers: "100%",
  // Lists skipped tests and why at the end of the run (tests/support/needsTool.ts).
  reporters: ["default", "<rootDir>/tests/support/skipReporter.js"],
};
