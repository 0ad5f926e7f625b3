module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'diagnostic',
  rootDir: __dirname,
  // test/**/*.spec.ts: unit tests that live with their fixtures outside src/ (the field scenarios).
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
