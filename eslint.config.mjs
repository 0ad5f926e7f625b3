// Lint rules that carry weight here: module boundaries (a service never imports another service)
// and promise safety (a forgotten await loses a handoff silently).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * A service depends on shared libs only, never on another service. Tests (and only tests) may also use
 * the test support: libs/testing, and for shared libs' own tests infra/ (a broker of their own, ACLs).
 * Nothing in libs/ depends on infra/ otherwise: libs/testing reads the infrastructure the global setup
 * (infra/src/testing) started from the environment, so the arrows run one way, infra → libs.
 */
function moduleBoundaries(inTests) {
  const testing = inTests ? ['scope:testing'] : [];
  const scopes = (...own) => [...own, ...testing];
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: inTests ? scopes('scope:shared', 'scope:infra') : ['scope:shared'] },
      { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['scope:shared', 'scope:infra', 'scope:testing'] },
      { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['scope:shared', 'scope:testing'] },
      { sourceTag: 'scope:directory', onlyDependOnLibsWithTags: scopes('scope:shared', 'scope:directory') },
      { sourceTag: 'scope:diagnostic', onlyDependOnLibsWithTags: scopes('scope:shared', 'scope:diagnostic') },
      { sourceTag: 'scope:referral', onlyDependOnLibsWithTags: scopes('scope:shared', 'scope:referral') },
      { sourceTag: 'scope:notification', onlyDependOnLibsWithTags: scopes('scope:shared', 'scope:notification') },
      { sourceTag: 'scope:reporting', onlyDependOnLibsWithTags: scopes('scope:shared', 'scope:reporting') },
      { sourceTag: 'scope:bench', onlyDependOnLibsWithTags: ['scope:shared', 'scope:infra', 'scope:testing'] },
      { sourceTag: 'scope:web', onlyDependOnLibsWithTags: scopes('scope:shared', 'scope:web') },
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: inTests ? ['type:lib', 'type:test-lib'] : ['type:lib'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:test-lib'] },
    ],
  };
}

const kafkajsBan = { name: 'kafkajs', message: 'Publish and consume through @relais/messaging.' };

/** One config block per layer of the referral service: its folders may not import the folders above them. */
function referralLayers(layers) {
  return layers.map(({ folders, mayNotImport }) => ({
    files: folders.map((folder) => `services/referral/src/${folder}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [kafkajsBan],
          patterns: [{ group: mayNotImport.map((folder) => `../${folder}/*`), message: 'A lower folder of the referral service never imports a higher one (docs/referral.md, layout).' }, testSupport],
        },
      ],
    },
  }));
}

/** Test support (libs/testing, the libs' `/testing` entries) is for tests and benchmarks: never in running code. */
const testSupport = { group: ['@relais/testing', '@relais/*/testing'], message: 'Test support is for tests and benchmarks only.' };

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '.relais/**', '.nx/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      // Nest's injection reads constructor parameter types at run time: with these two set,
      // consistent-type-imports never turns an injected class's import into `import type`.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname, emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries(false)],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest modules are classes with decorators only.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // kafkajs stays behind libs/messaging (the only client, replaceable); services never see it.
    files: ['services/**/*.ts', 'libs/!(messaging)/**/*.ts'],
    ignores: ['**/test/**', '**/*.spec.ts', 'libs/testing/**', 'libs/*/src/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [kafkajsBan], patterns: [testSupport] }],
    },
  },
  // The referral service's folders depend one way (docs/referral.md, "layout"): referrals/ (creation, moves,
  // reads) sits on top; the folders it uses never import it back, and referral-model/ and shared/ import none.
  // Flat config replaces a rule's options per file, so the kafkajs ban and the test-support ban are repeated here.
  ...referralLayers([
    { folders: ['referral-model', 'shared'], mayNotImport: ['referrals', 'journeys', 'sla', 'consent', 'persons', 'assessments', 'audit', 'idempotency', 'directory-read-model'] },
    { folders: ['sla', 'consent', 'persons', 'assessments', 'audit', 'idempotency', 'directory-read-model'], mayNotImport: ['referrals', 'journeys'] },
    { folders: ['referrals'], mayNotImport: ['journeys'] },
  ]),
  {
    files: ['libs/messaging/**/*.ts', 'infra/**/*.ts'],
    ignores: ['**/test/**', '**/*.spec.ts', 'libs/*/src/testing/**', 'infra/src/testing/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [testSupport] }] },
  },
  {
    // infra/src/testing is the integration tests' global setup and the `npm test` runner: test code.
    files: ['**/test/**/*.ts', '**/*.spec.ts', 'infra/src/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries(true)] },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
