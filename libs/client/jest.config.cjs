module.exports = {
  displayName: 'client',
  preset: '../../jest.preset.js',
  coverageThreshold: { global: { lines: 90 } },
};
