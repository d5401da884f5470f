/** Tests mirror the source layout under tests/. ts-jest compiles without type-checking (lint does that). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // The real engine's tests need the Pulumi CLI and take minutes: `npm run test:engine` (jest.engine.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/engine/"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 30000,
  // Lists skipped tests and why at the end of the run (tests/support/needsTool.ts).
  reporters: ["default", "<rootDir>/tests/support/skipReporter.js"],
};
