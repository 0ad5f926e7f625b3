// Component tests of the web workspace: jsdom, swc with React's automatic runtime.
module.exports = {
  displayName: 'web',
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  // Simulated typing is slow on a loaded machine; no test here measures time.
  testTimeout: 30_000,
  testMatch: ['<rootDir>/src/**/*.spec.tsx', '<rootDir>/src/**/*.spec.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        // The root .swcrc leaves services/web to Vite; the tests compile it with their own settings.
        swcrc: false,
        jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  setupFiles: ['<rootDir>/src/testing/jsdom-globals.js'],
  moduleNameMapper: { '\\.css$': '<rootDir>/src/testing/style-stub.js' },
  moduleFileExtensions: ['tsx', 'ts', 'js', 'json'],
  reporters: ['default', require('node:path').join(__dirname, '../../libs/testing/jest-summary-reporter.js')],
};
