import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { functionDeclarations } from '../functions/index.js';
import type { FunctionDeclaration } from '../shared/platform/declarations.js';
import { settingsFromContext } from './settings.js';
import { TpSessionsStack } from './stack.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const SKIP_BUNDLING_ENV = 'TP_SKIP_BUNDLING';

export interface BuildAppOptions {
  /** Passed to `new App()`; the CLI fills it from `--context` and cdk.json. */
  readonly appProps?: ConstructorParameters<typeof App>[0];
  readonly declarations?: readonly FunctionDeclaration[];
}

/**
 * The CDK app: one stack per invocation, for the stage given by `--context stage=dev|prod`,
 * checked by cdk-nag's AwsSolutions pack (violations fail the synth and are listed in
 * `cdk.out/policy-validation-report.json`).
 */
export const buildApp = (options: BuildAppOptions = {}) => {
  // TP_SKIP_BUNDLING=1: template-only synth (assets are placeholders), for tests that check the
  // template of every function without paying for esbuild on each; never for a deploy.
  const skipBundling = process.env[SKIP_BUNDLING_ENV] === '1';
  const app = new App({ ...options.appProps, ...(skipBundling ? { postCliContext: { 'aws:cdk:bundling-stacks': [] } } : {}) });
  const settings = settingsFromContext((key) => app.node.tryGetContext(key));
  const stack = new TpSessionsStack(app, `TpSessions-${settings.stage}`, {
    settings,
    declarations: options.declarations ?? functionDeclarations,
    projectRoot,
    description: `tp-sessions (${settings.stage}): sessions d'examen du titre professionnel.`,
    ...(process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildApp().app.synth();
}
