module.exports = {
  displayName: 'adapter-zoom',
  preset: '../../../jest.preset.js',
};
