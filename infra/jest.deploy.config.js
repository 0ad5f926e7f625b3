// The deploy checks (`npm test`): deploy/ rendered and validated with the tools of infra/src/deploy-tools.ts.
// No infrastructure: these read files and run validators. The first run may build Helm (minutes).
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'deploy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/deploy/**/*.deploy-spec.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
};
