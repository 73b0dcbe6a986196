module.exports = {
  displayName: 'adapter-discord',
  preset: '../../../jest.preset.js',
};
