// Component tests of the web workspace: jsdom, swc with React's automatic runtime.
module.exports = {
  displayName: 'web',
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/src/**/*.spec.tsx', '<rootDir>/src/**/*.spec.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: { '\\.css$': '<rootDir>/src/testing/style-stub.js' },
  moduleFileExtensions: ['tsx', 'ts', 'js', 'json'],
  reporters: ['default', require('node:path').join(__dirname, '../../libs/testing/jest-summary-reporter.js')],
};
