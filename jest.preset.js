const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

/** Shared Jest settings: every project tests TypeScript sources directly through the path aliases. */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: `${__dirname}/` }),
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // Emulators, fixtures and other test pieces (src/testing/**, __fixtures__) are not what a project's coverage should measure.
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/**/*.spec-helper.ts', '!src/**/index.ts', '!src/testing/**', '!src/**/__fixtures__/**'],
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { lines: 80 } },
  reporters: ['default', path.join(__dirname, 'tools/jest/summary-reporter.js')],
};
