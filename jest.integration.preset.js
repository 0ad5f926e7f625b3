// One integration config for every project: its `test/**/*.int-spec.ts` against real PostgreSQL, Kafka and
// identity provider. Each project's jest.integration.config.js is one line calling this with its folder.
const path = require('node:path');

/**
 * @param {string} projectDir the project's folder (its project.json names the run)
 * @param {{ sharedInfrastructure?: boolean, testTimeout?: number }} options
 *   sharedInfrastructure: false for tests that start their own servers (infra's), so the run starts none.
 */
module.exports = function integrationConfig(projectDir, { sharedInfrastructure = true, testTimeout = 60_000 } = {}) {
  const { name } = require(path.join(projectDir, 'project.json'));
  const testing = path.join(__dirname, 'infra/src/testing');
  return {
    ...require('./jest.preset.js'),
    displayName: `${name}:integration`,
    rootDir: projectDir,
    testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
    ...(sharedInfrastructure
      ? { globalSetup: path.join(testing, 'global-setup.ts'), globalTeardown: path.join(testing, 'global-teardown.ts') }
      : {}),
    testTimeout,
  };
};
