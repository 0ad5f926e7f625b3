module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'diagnostic',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
