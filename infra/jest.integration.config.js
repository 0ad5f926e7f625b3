module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'infra:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/*.int-spec.ts'],
  testTimeout: 120_000,
};
