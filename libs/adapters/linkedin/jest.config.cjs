module.exports = {
  displayName: 'adapter-linkedin',
  preset: '../../../jest.preset.js',
};
