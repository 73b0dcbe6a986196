module.exports = {
  displayName: 'adapter-kit',
  preset: '../../jest.preset.js',
};
