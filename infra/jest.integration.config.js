module.exports = require('../jest.integration.preset.js')(__dirname, { sharedInfrastructure: false, testTimeout: 120_000 });
