module.exports = {
  displayName: 'presence-dashboard',
  preset: '../../jest.preset.js',
  // The page imports its modules with the .js extension browsers need; Jest resolves the .ts sources.
  moduleNameMapper: { ...require('../../jest.preset.js').moduleNameMapper, '^(\\.{1,2}/.*)\\.js$': '$1' },
  // main.ts, view.ts and panel.ts touch the DOM; the browser test in presence-dashboard-e2e drives them for real.
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/main.ts', '!src/view.ts', '!src/panel.ts'],
};
