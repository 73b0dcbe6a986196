module.exports = {
  displayName: 'adapter-whatsapp',
  preset: '../../../jest.preset.js',
};
