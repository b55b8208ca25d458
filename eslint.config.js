// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/*.cjs', 'node_modules/', 'cdk.out/', '.data/', 'reports/', 'docs/generated/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // A suppression must say why: `// @ts-expect-error: reason`.
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description', 'ts-ignore': true, 'ts-nocheck': true, minimumDescriptionLength: 10 }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `import { type A } from './m.js'` stays an import of ./m.js under verbatimModuleSyntax: the
      // module's top-level code then runs, and lands in the cold start of every bundle (issue 16).
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-console': 'off',
      // `import { z } from 'zod'` keeps zod's whole namespace (every locale, ≈ 380 KB) in each Lambda bundle.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value=/^zod(\\/mini)?$/] > :matches(ImportSpecifier[imported.name='z'], ImportDefaultSpecifier)",
          message: "Use `import * as z from 'zod'` (or 'zod/mini'): the named or default `z` keeps every locale in the bundle.",
        },
      ],
    },
  },
  {
    // Functions log through the Powertools logger of shared/platform/observability.ts, with their
    // context and correlation id; a stray console line would carry neither.
    files: ['functions/**/*.ts', 'shared/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // What ships in a Lambda bundle validates with zod/mini (about 30 KB minified, tree-shaken)
    // rather than classic zod (about 95 KB whatever is used): issue 16, cold starts. The CDK app
    // and the scripts may use either.
    files: ['functions/**/*.ts', 'shared/**/*.ts', 'events/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'zod', message: "Use `import * as z from 'zod/mini'` in code that ships in a Lambda bundle." }] }],
    },
  },
  {
    // An eslint-disable comment must carry a reason after `--`.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
);
