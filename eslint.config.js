// Boundaries the compiler cannot check (STYLE rules 13, 17, 18): the dependency direction between
// packages, no console output in library code, and at most three parameters per function.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const DRIVERS = ['hono', 'hono/*', '@hono/*', 'undici', 'pg', 'better-sqlite3', 'kysely', 'pino', 'prom-client', 'commander'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.bench-out/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'max-params': ['error', 3],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Tests parse loose JSON and use it.each tables with several columns.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'max-params': 'off' },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/fixtures/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // Sanitizers match control, invisible and combining characters on purpose.
    files: ['packages/core/src/detectors/normalize/**/*.ts', 'packages/core/src/audit/**/*.ts'],
    rules: { 'no-control-regex': 'off', 'no-misleading-character-class': 'off' },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@rampart/server', '@rampart/cli', ...DRIVERS], message: 'core is pure logic: no HTTP, database drivers or other packages' }] }],
    },
  },
  {
    files: ['packages/core/src/contracts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['*'], message: 'contracts import nothing' }] }] },
  },
  {
    files: ['packages/server/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@rampart/cli', 'commander'], message: 'server does not depend on the CLI' }] }] },
  },
  {
    files: ['packages/assurance/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@rampart/server', '@rampart/cli', 'commander'], message: 'assurance depends on core only' }] }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly', fetch: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
);
