module.exports = {
  displayName: 'presence-demo',
  preset: '../../jest.preset.js',
};
