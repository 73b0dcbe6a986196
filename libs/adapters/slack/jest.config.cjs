module.exports = {
  displayName: 'adapter-slack',
  preset: '../../../jest.preset.js',
};
