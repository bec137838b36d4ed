// ESM jest: run with `node --experimental-vm-modules` (see package.json scripts).
// jest.mock of ES modules does not work here; tests inject fakes through interfaces instead.
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
};

export default {
  testTimeout: 240_000, // live tests wait for pods; unit tests finish far sooner
  // `npm run test:unit -- --coverage`: the pure layers, which the unit tests must cover.
  collectCoverageFrom: ['src/domain/**/*.ts', 'src/render/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: { './src/domain/': { lines: 85 }, './src/render/': { lines: 85 } },
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'live', testMatch: ['<rootDir>/test/live/**/*.test.ts'] },
    // Stops and restarts the local cluster: run only by scripts/test.mjs, after the live tests.
    { ...common, displayName: 'lifecycle', testMatch: ['<rootDir>/test/lifecycle/**/*.test.ts'] },
    // The kind cluster from `npm run kind:up`: run by `npm run test:kind`, which points at it.
    { ...common, displayName: 'kind', testMatch: ['<rootDir>/test/kind/**/*.test.ts'] },
    // kind:down and kind:up's refusals: run only by scripts/test.mjs, after the kind tests, when it started kind.
    { ...common, displayName: 'kind-lifecycle', testMatch: ['<rootDir>/test/kind-lifecycle/**/*.test.ts'] },
  ],
};
