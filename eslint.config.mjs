// Lint rules that carry weight here: module boundaries (a service never imports another service)
// and promise safety (a forgotten await loses a handoff silently).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * A service depends on shared libs only, never on another service. Tests of shared libs may also use the
 * test infrastructure (libs/testing, infra/); their production code may not.
 */
function moduleBoundaries(sharedMayUseTestInfrastructure) {
  const shared = sharedMayUseTestInfrastructure ? ['scope:shared', 'scope:testing', 'scope:infra'] : ['scope:shared'];
  const sharedTypes = sharedMayUseTestInfrastructure ? ['type:lib', 'type:test-lib'] : ['type:lib'];
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: shared },
      { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['scope:shared', 'scope:infra', 'scope:testing'] },
      { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['scope:shared', 'scope:infra', 'scope:testing'] },
      { sourceTag: 'scope:directory', onlyDependOnLibsWithTags: ['scope:shared', 'scope:directory'] },
      { sourceTag: 'scope:diagnostic', onlyDependOnLibsWithTags: ['scope:shared', 'scope:diagnostic'] },
      { sourceTag: 'scope:referral', onlyDependOnLibsWithTags: ['scope:shared', 'scope:referral'] },
      { sourceTag: 'scope:notification', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notification'] },
      { sourceTag: 'scope:reporting', onlyDependOnLibsWithTags: ['scope:shared', 'scope:reporting'] },
      { sourceTag: 'scope:bench', onlyDependOnLibsWithTags: ['scope:shared', 'scope:infra', 'scope:testing'] },
      { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:shared', 'scope:web'] },
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: sharedTypes },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:test-lib'] },
    ],
  };
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '.relais/**', '.nx/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries(false)],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest's DI reads constructor parameter types at run time: an `import type` there breaks injection.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // kafkajs stays behind libs/messaging (the only client, replaceable); services never see it.
    files: ['services/**/*.ts', 'libs/!(messaging)/**/*.ts'],
    ignores: ['**/test/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'kafkajs', message: 'Publish and consume through @relais/messaging.' }] }],
    },
  },
  {
    files: ['libs/*/test/**/*.ts'],
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
