module.exports = {
  displayName: 'core',
  preset: '../../jest.preset.js',
  coverageThreshold: { global: { lines: 90 } },
};
