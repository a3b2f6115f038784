import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.local/', 'coverage/', 'test-output/', 'web/dist/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Personal data must never reach stdout: logging goes through the structured logger only.
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['local/**', 'bench/**', 'infra/**', 'test/**'], rules: { 'no-console': 'off' } },
);
