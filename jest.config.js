/** Jest runs TypeScript through SWC: type checking is done once by `tsc --noEmit` in `npm test`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup.ts'],
  // The web apps are built once, when their build is missing, for the tests that load them.
  globalSetup: '<rootDir>/test/web/buildWebIfMissing.js',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  maxWorkers: 2,
  testTimeout: 60000,
};
