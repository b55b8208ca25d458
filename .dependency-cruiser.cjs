/** Architecture rules: `npm run depcheck` fails when one is broken. */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make modules impossible to reason about one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'shared/domain holds the rules: no AWS SDK, no infrastructure, no I/O.',
      from: { path: '^shared/domain/' },
      to: { path: ['@aws-sdk', 'aws-cdk-lib', 'node_modules/@aws-sdk', '^shared/(?!domain/|errors\.ts$)', '^functions/', '^infra/', '^node:(fs|http|https|net|child_process)'] },
    },
    {
      name: 'events-are-pure',
      severity: 'error',
      comment: 'The event catalogue is data and schemas only.',
      from: { path: '^events/' },
      to: { path: ['@aws-sdk', '^shared/', '^functions/', '^infra/'] },
    },
    {
      name: 'no-function-to-function',
      severity: 'error',
      comment: 'A function never imports another function: share code through shared/.',
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^functions/', pathNot: ['^functions/$1/', '^functions/[^/]+\\.ts$'] },
    },
    {
      name: 'runtime-code-does-not-import-tests',
      severity: 'error',
      from: { path: '^(shared|functions|events|infra)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', 'cdk.out', '.data'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
