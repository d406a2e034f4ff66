/** Jest runs TypeScript through ts-jest in transpile-only mode; `tsc --noEmit` in `npm test` does the type-checking once. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  testTimeout: 60000,
  // Jest's default leaves a core idle; the suites are CPU-bound and independent.
  maxWorkers: "100%",
  reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
};
