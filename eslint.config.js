import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', '.work/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly'}},
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
  {
    // Commands that must start fast never import the heavy clients at the top level; they load them in run().
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {name: '@kubernetes/client-node', allowTypeImports: true, message: 'Import it lazily: await import(...)'},
            {name: 'node-vault', allowTypeImports: true, message: 'Import it lazily: await import(...)'},
            {name: '@inquirer/prompts', allowTypeImports: true, message: 'Import it lazily: await import(...)'},
            {name: 'execa', message: 'Import it lazily: await import(...)'},
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {'@typescript-eslint/no-explicit-any': 'off'},
  },
)
