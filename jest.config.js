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
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'live', testMatch: ['<rootDir>/test/live/**/*.test.ts'], testTimeout: 240_000 },
  ],
};
