module.exports = {
  displayName: 'live-check',
  preset: '../../jest.preset.js',
};
