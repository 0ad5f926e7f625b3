module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'referral',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
