const path = require('node:path');

module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
  globalSetup: path.join(__dirname, 'src/testing/global-setup.ts'),
  globalTeardown: path.join(__dirname, 'src/testing/global-teardown.ts'),
  testTimeout: 180_000,
  maxWorkers: 1,
};
