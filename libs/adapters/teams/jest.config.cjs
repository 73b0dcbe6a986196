module.exports = {
  displayName: 'adapter-teams',
  preset: '../../../jest.preset.js',
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/**/index.ts', '!src/**/__fixtures__/**'],
};
