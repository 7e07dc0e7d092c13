import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Off: with emitDecoratorMetadata, constructor parameter types are runtime values for DI.
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/\\bSET\\s+(SESSION\\s+)?(search_path|ROLE)\\b/i]',
          message:
            'Invariant 2: search_path and role are set only with transaction scope (set_config(..., true)).',
        },
      ],
    },
  },
  {
    // Libraries depend on each other in one direction (kernel below features, fleet above
    // both): a cycle means two of them are one library, or something shared sits in the wrong
    // one. The TypeScript resolver follows the @schoolyard/* aliases, so a cycle through a
    // barrel is found as well as one through relative paths.
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  // A library reaches another only through its alias (its barrel): a relative path into
  // another library hid a cycle between libraries that no file-level check could see.
  ...[1, 2, 3].map((depth) => ({
    files: [`libs/${'*/'.repeat(depth)}*.ts`, `migrations/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./){${depth}}`,
              message: 'Import another library through its @schoolyard/* alias.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['**/*.mjs', '**/*.js', '.ci/**'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        module: 'writable',
        require: 'readonly',
      },
    },
  },
);
