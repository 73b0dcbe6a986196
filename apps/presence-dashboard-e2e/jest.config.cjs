module.exports = {
  displayName: 'presence-dashboard-e2e',
  preset: '../../jest.preset.js',
};
