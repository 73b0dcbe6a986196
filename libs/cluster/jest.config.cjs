module.exports = {
  displayName: 'cluster',
  preset: '../../jest.preset.js',
  coverageThreshold: { global: { lines: 85 } },
};
