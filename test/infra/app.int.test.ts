import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, projectRoot, SKIP_BUNDLING_ENV } from '../../infra/app.js';
import { functionDeclarations } from '../../functions/index.js';
import { synthesize, type PluginReport, type Synthesized } from './synth.js';
import { dependencyCycles, eventStoreRewrites, overcrowdedStreams, resourcePolicies, secretsInEnvironments, streamConsumersWithoutIteratorAgeAlarm } from './rules.js';
import { missingWiring, refersTo, resourcesOfType, s3GrantsOf, type CfnTemplate } from './template.js';

/**
 * The real app, synthesized by the real CDK CLI (`cdk synth`, as `npm run synth` does), offline:
 * no AWS account, no Docker, no network (version check and telemetry off, notices off in
 * cdk.json). Bundling is skipped (TP_SKIP_BUNDLING=1): it changes only the asset hashes, costs
 * seconds per function, and is proven by projectFunction.unit.test.ts and `npm run bench:bundles`.
 * CDK's own CloudFormation linter is off here (it stays on in `npm run synth` and deploy). prod is
 * synthesized in-process.
 */
let devTemplate: CfnTemplate;
let devReport: readonly PluginReport[];
let cliOutput: string;
let prod: Synthesized;

beforeAll(() => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'tp-cdk-out-'));
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--context', 'stage=dev', '--output', outdir], {
    cwd: projectRoot,
    encoding: 'utf8',
    // CDK_VALIDATION=false turns off CDK's own CloudFormation linter (most of a synth's time);
    // cdk-nag is a plugin of the app and still runs.
    env: {
      ...process.env,
      [SKIP_BUNDLING_ENV]: '1',
      CDK_VALIDATION: 'false',
      CDK_DISABLE_VERSION_CHECK: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    timeout: 150_000,
  });
  cliOutput = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0) throw new Error(`cdk synth failed (${String(result.status)}):\n${cliOutput}`);
  devTemplate = JSON.parse(readFileSync(path.join(outdir, 'TpSessions-dev.template.json'), 'utf8')) as CfnTemplate;
  devReport = (JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: PluginReport[] }).pluginReports;
  prod = synthesize({ stage: 'prod', bundle: false });
}, 240_000);

describe('the real app (infra/app.ts with functions/index.ts)', () => {
  it('synthesizes with cdk synth, offline, and cdk-nag finds nothing unacknowledged', () => {
    expect(resourcesOfType(devTemplate, 'AWS::DynamoDB::Table').length).toBeGreaterThan(0);
    expect(devReport.flatMap((plugin) => plugin.violations.map((v) => `${plugin.pluginName}: ${v.ruleName}`))).toEqual([]);
    expect(prod.report.flatMap((plugin) => plugin.violations)).toEqual([]);
  });

  it('builds every declared function with its trigger, in both stages', () => {
    for (const declaration of functionDeclarations) {
      expect(missingWiring(devTemplate, declaration, 'dev'), declaration.name).toEqual([]);
      expect(missingWiring(prod.template.toJSON() as CfnTemplate, declaration, 'prod'), declaration.name).toEqual([]);
    }
    expect(resourcesOfType(devTemplate, 'AWS::Lambda::Function')).toHaveLength(functionDeclarations.length);
  });

  it('gives the purge every retention period from the stage settings, and the PV intake none (it locks nothing)', () => {
    const variables = (template: CfnTemplate, name: string) =>
      (
        resourcesOfType(template, 'AWS::Lambda::Function').find(([, fn]) => fn.Properties?.FunctionName === name)?.[1].Properties?.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
    const prodTemplate = prod.template.toJSON() as CfnTemplate;
    expect(variables(prodTemplate, 'prod-tp-retentionPurge')).toMatchObject({
      RETENTION_PERSONAL_DATA_DAYS: '730',
      RETENTION_PV_DAYS: '1825',
      RETENTION_QUARANTINE_DAYS: '30',
      RETENTION_CATCH_UP_DAYS: '31',
    });
    expect(variables(devTemplate, 'dev-tp-retentionPurge')).toMatchObject({ RETENTION_QUARANTINE_DAYS: '7' });
    for (const template of [devTemplate, prodTemplate]) {
      const intake = resourcesOfType(template, 'AWS::Lambda::Function').find(([, fn]) => String(fn.Properties?.FunctionName).endsWith('-tp-pvIntake'))?.[1];
      const names = Object.keys((intake?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables);
      expect(names).toEqual(expect.arrayContaining(['UPLOAD_BUCKET_NAME', 'PV_BUCKET_NAME']));
      expect(names.filter((name) => name.startsWith('RETENTION_'))).toEqual([]);
    }
  });

  it('lets the notifier, the deadline run and the mail sweep put mails on the retry queue, and not the retry function that consumes it', () => {
    for (const template of [devTemplate, prod.template.toJSON() as CfnTemplate]) {
      const queueId = resourcesOfType(template, 'AWS::SQS::Queue').find(([, q]) => String(q.Properties?.QueueName).endsWith('-tp-mail-retry'))?.[0] ?? 'missing';
      const writers = resourcesOfType(template, 'AWS::IAM::Policy')
        .filter(([, policy]) =>
          (policy.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement.some(
            (statement) => [statement.Action].flat().includes('sqs:SendMessage') && refersTo(statement.Resource, queueId),
          ),
        )
        .flatMap(([, policy]) => (policy.Properties?.Roles as { Ref: string }[]).map((role) => /^Functions(\w+?)Role/.exec(role.Ref)?.[1] ?? role.Ref));
      expect(writers.sort()).toEqual(['deadlineRun', 'mailSweep', 'notifier']);
      const variables = (name: string) =>
        (
          resourcesOfType(template, 'AWS::Lambda::Function').find(([, fn]) => String(fn.Properties?.FunctionName).endsWith(`-tp-${name}`))?.[1].Properties?.Environment as {
            Variables: Record<string, unknown>;
          }
        ).Variables;
      expect(Object.keys(variables('notifier'))).toContain('MAIL_DLQ_URL');
      expect(Object.keys(variables('mailRetry'))).not.toContain('MAIL_DLQ_URL');
      expect(Object.keys(variables('mailRetry'))).toContain('MAIL_FROM_ADDRESS');
    }
  });

  it('retains the data of prod', () => {
    const stateful = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Cognito::UserPool'];
    const prodTemplate = prod.template.toJSON() as CfnTemplate;
    for (const type of stateful) for (const [id, resource] of resourcesOfType(prodTemplate, type)) expect(resource.DeletionPolicy, id).toBe('Retain');
  });

  it('runs cdk-nag on every synth: an unencrypted, TLS-optional queue added to the stack fails it', () => {
    expect(() => synthesize({ stage: 'dev', bundle: false, beforeSynth: (stack) => new Queue(stack, 'CarelessQueue') })).toThrow(/AwsSolutions-SQS4/);
  });

  it('refuses a stage other than dev or prod with a message naming the context key', () => {
    expect(() => buildApp({ appProps: { context: { stage: 'qa' } } })).toThrow(/--context stage must be one of dev, prod/);
  });
});

describe('AWS rules that no emulator enforces, on the templates of both stages', () => {
  const templates = () =>
    [
      ['dev', devTemplate],
      ['prod', prod.template.toJSON() as CfnTemplate],
    ] as const;

  it('lets at most two functions read a DynamoDB stream (DynamoDB Streams throttles a third reader per shard)', () => {
    for (const [stage, template] of templates()) {
      expect(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').length, stage).toBeGreaterThan(0);
      expect(overcrowdedStreams(template), stage).toEqual([]);
    }
  });

  it('puts no secret in any function environment, neither in clear nor as a dynamic reference', () => {
    for (const [stage, template] of templates()) expect(secretsInEnvironments(template), stage).toEqual([]);
  });

  it('lets no role update, delete or batch-write a commit of the event store: PutItem only', () => {
    for (const [stage, template] of templates()) expect(eventStoreRewrites(template), stage).toEqual([]);
  });

  it('keeps every function resource policy under 20 KB, with one statement per invoking service, however many routes', () => {
    for (const [stage, template] of templates()) {
      const policies = resourcePolicies(template);
      expect(policies.length, stage).toBeGreaterThan(0);
      expect(
        policies.filter((policy) => policy.bytes >= 20 * 1024).map((p) => `${p.function}: ${p.bytes} B`),
        stage,
      ).toEqual([]);
      expect(
        policies.filter((policy) => policy.duplicatePrincipals.length > 0).map((p) => `${p.function}: ${p.statements} statements`),
        stage,
      ).toEqual([]);
    }
  });

  it('grants S3 per bucket, prefix and function, exactly: pages and API write uploads only, the digest only digests/, deletes only for the purge and the intake, ListBucket (with its prefix) where a missing key is read', () => {
    const expected: Record<string, string[]> = {
      api: ['s3:PutObject uploads/pv/*'],
      pages: ['s3:PutObject uploads/pv/*'],
      history: ['s3:GetObject vault/pv/*', 's3:GetObjectVersion vault/pv/*', 's3:ListBucket vault if s3:prefix pv/*'],
      integrityDigest: ['s3:GetObject vault/digests/*', 's3:GetObjectVersion vault/digests/*', 's3:ListBucket vault if s3:prefix digests/*', 's3:PutObject vault/digests/*'],
      pvIntake: [
        's3:DeleteObject uploads/pv/*',
        's3:GetObject uploads/pv/*',
        's3:GetObject vault/pv/*',
        's3:GetObjectVersion vault/pv/*',
        's3:ListBucket uploads if s3:prefix pv/*',
        's3:ListBucket vault if s3:prefix pv/*',
        's3:PutObject uploads/quarantine/*',
        's3:PutObject vault/pv/*',
      ],
      retentionPurge: [
        's3:DeleteObject uploads/quarantine/*',
        's3:DeleteObject vault/pv/*',
        's3:DeleteObjectVersion vault/pv/*',
        's3:GetObject uploads/quarantine/*',
        's3:ListBucket uploads if s3:prefix quarantine/*',
      ],
    };
    for (const [stage, template] of templates()) {
      for (const { name } of functionDeclarations) expect(s3GrantsOf(template, name), `${stage} ${name}`).toEqual(expected[name] ?? []);
    }
  });

  it('has no dependency cycle between resources (CloudFormation refuses one at deploy; synth does not look)', () => {
    for (const [stage, template] of templates()) expect(dependencyCycles(template), stage).toEqual([]);
  });

  it('watches the IteratorAge of every stream consumer with an alarm', () => {
    for (const [stage, template] of templates()) expect(streamConsumersWithoutIteratorAgeAlarm(template), stage).toEqual([]);
  });
});
