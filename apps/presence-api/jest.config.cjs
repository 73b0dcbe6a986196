module.exports = {
  displayName: 'presence-api',
  preset: '../../jest.preset.js',
};
