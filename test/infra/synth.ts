import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.js';
import type { Stage } from '../../infra/settings.js';
import type { TpSessionsStack } from '../../infra/stack.js';
import type { FunctionDeclaration } from '../../shared/platform/declarations.js';

/** One entry of `validation-report.json` that CDK writes next to the templates. */
export interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  readonly violations: readonly { readonly ruleName: string; readonly severity: string; readonly violatingConstructs?: readonly { constructPath: string }[] }[];
  readonly suppressedViolations?: readonly { readonly ruleName: string; readonly acknowledgedId?: string; readonly reason?: string; readonly acknowledgedAt?: string }[];
}

export interface Synthesized {
  readonly stack: TpSessionsStack;
  readonly template: Template;
  readonly outdir: string;
  readonly report: readonly PluginReport[];
}

/**
 * Synthesizes the app in-process, exactly as `infra/app.ts` builds it (cdk-nag included: a
 * violation makes `synth()` throw), optionally with other declarations and without bundling.
 */
export const synthesize = (options: {
  readonly stage: Stage;
  readonly declarations?: readonly FunctionDeclaration[];
  readonly bundle?: boolean;
  readonly context?: Record<string, string>;
  /** Lets a test add a construct to the stack before synthesis. */
  readonly beforeSynth?: (stack: TpSessionsStack) => void;
}): Synthesized => {
  const outdir = mkdtempSync(path.join(tmpdir(), `tp-synth-${options.stage}-`));
  const { app, stack } = buildApp({
    appProps: {
      outdir,
      // CDK's own CloudFormation linter costs most of a synth; the spawned `cdk synth` of the real
      // app (app.int.test.ts) keeps it. cdk-nag runs here as everywhere.
      builtinCloudFormationValidation: false,
      context: { stage: options.stage, ...options.context, ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}) },
    },
    ...(options.declarations ? { declarations: options.declarations } : {}),
  });
  options.beforeSynth?.(stack);
  app.synth();
  const reportFile = path.join(outdir, 'validation-report.json');
  const report = (JSON.parse(readFileSync(reportFile, 'utf8')) as { pluginReports: PluginReport[] }).pluginReports;
  return { stack, template: Template.fromStack(stack), outdir, report };
};
