module.exports = {
  displayName: 'contract',
  preset: '../../jest.preset.js',
  coverageThreshold: { global: { lines: 90 } },
};
