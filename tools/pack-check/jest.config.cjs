module.exports = {
  displayName: 'pack-check',
  preset: '../../jest.preset.js',
};
