module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'directory',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
