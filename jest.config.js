/** Jest runs TypeScript through SWC: type checking is done once by `tsc --noEmit` in `npm test`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup.ts'],
  // The web apps are built once, when their build is missing, for the tests that load them.
  globalSetup: '<rootDir>/test/web/buildWebIfMissing.js',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // pkijs and its dependencies ship ES modules only: compiled to CommonJS for Jest's module registry.
    '/node_modules/(pkijs|asn1js|bytestreamjs|@noble/hashes|@peculiar/utils)/.+\\.js$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(pkijs|asn1js|bytestreamjs|@noble/hashes|@peculiar/utils)/)'],
  maxWorkers: 2,
  testTimeout: 60000,
};
