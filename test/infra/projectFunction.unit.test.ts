import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/app.js';
import { DIRECTORY_FILE_ENV, loadDirectory, UnknownUnitError } from '../../shared/directory/directory.js';
import { ProjectFunction } from '../../infra/constructs/projectFunction.js';
import { fixtureDeclarations } from './fixtures/declarations.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';

/** One project function in a bare stack, bundled for real with the local esbuild (no Docker). */
let outdir: string;
let template: Template;
let dynamo: LocalDynamo;

/**
 * Runs the packaged handler as Lambda does: a fresh Node process imports the package's entry (its
 * chunks load from beside it) and calls the handler with the event; its answer is printed as JSON.
 * Asynchronous: the emulator it may call runs in this process.
 */
const runPackaged = (dir: string, event: object, env: Record<string, string> = {}) => {
  const probe = `const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'index.mjs')).href)}); console.log(JSON.stringify(await handler(${JSON.stringify(event)})));`;
  return promisify(execFile)(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-3', ...env } });
};

beforeAll(async () => {
  dynamo = await startDynalite('packaged');
  outdir = mkdtempSync(path.join(tmpdir(), 'tp-fn-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'FunctionUnderTest');
  const declaration = fixtureDeclarations.find((d) => d.name === 'httpEcho');
  if (!declaration) throw new Error('fixture httpEcho missing');
  const fn = new ProjectFunction(stack, 'HttpEcho', {
    declaration,
    functionName: 'test-tp-httpEcho',
    projectRoot,
    logRetention: RetentionDays.ONE_WEEK,
    namedLogGroup: true,
    directoryFile: path.join(projectRoot, 'test/infra/fixtures/unit-directory.json'),
    removalPolicy: RemovalPolicy.DESTROY,
    environment: { STAGE: 'dev' },
  });
  const key = new Key(stack, 'Key');
  fn.bindTable('views', { tableArn: 'arn:aws:dynamodb:eu-west-3:123456789012:table/t', tableName: 't', indexNames: ['byOwner'], key }, 'read');
  template = Template.fromStack(stack);
  app.synth();
}, 90_000);

afterAll(() => dynamo.stop());

describe('ProjectFunction', () => {
  it('bundles the handler with the local esbuild into a minified ES module with a source map and the require banner', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: { Code: { S3Key: string } } };
    const dir = path.join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith('import { createRequire as __tpCreateRequire }')).toBe(true);
    // The SDK is inside the bundle rather than taken from the runtime.
    expect(code.includes('name:"@aws-sdk/client-dynamodb"')).toBe(true);
    // Minified: long lines, not one statement per line.
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
  });

  it('puts what the handler loads with import() in a chunk of its own, which the packaged entry loads on first use', async () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: { Code: { S3Key: string }; Handler: string } };
    const dir = path.join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    expect(fn.Properties.Handler).toBe('index.handler');
    const chunks = readdirSync(path.join(dir, 'chunks')).filter((file) => file.endsWith('.mjs'));
    const page = chunks.filter((file) => readFileSync(path.join(dir, 'chunks', file), 'utf8').includes('<h1>Connexion</h1>'));
    expect(page).toHaveLength(1);
    // The entry does not hold the page: a cold start does not parse it.
    expect(readFileSync(path.join(dir, 'index.mjs'), 'utf8')).not.toContain('<h1>Connexion</h1>');
    const run = await runPackaged(dir, { rawPath: '/connexion' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ statusCode: 200, body: '<h1>Connexion</h1>' });
  });

  it("calls DynamoDB from the packaged entry: the SDK's credential and signing chunks load and sign with the environment's keys", async () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: { Code: { S3Key: string } } };
    const dir = path.join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    await dynamo.client.send(new PutItemCommand({ TableName: dynamo.tables.views, Item: { pk: { S: '/sessions/ses_1' }, sk: { S: 'view' }, status: { S: 'planned' } } }));
    const env = { VIEWS_TABLE_NAME: dynamo.tables.views, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
    const found = await runPackaged(dir, { rawPath: '/sessions/ses_1' }, env);
    expect(found.stderr).toBe('');
    expect(JSON.parse(found.stdout)).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((JSON.parse(found.stdout) as { body: string }).body)).toMatchObject({ status: { S: 'planned' } });
    expect(JSON.parse((await runPackaged(dir, { rawPath: '/sessions/ses_2' }, env)).stdout)).toMatchObject({ statusCode: 404 });
  });

  it('maps a stack trace to the TypeScript sources without --enable-source-maps, reading the map only when the error is shown', async () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: { Code: { S3Key: string }; Environment: { Variables: Record<string, string> } } };
    const dir = path.join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    // The runtime does not parse every map at load: the flag is not set.
    expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    const run = await runPackaged(dir, { rawPath: '/erreur' });
    const { statusCode, body } = JSON.parse(run.stdout) as { statusCode: number; body: string };
    expect(statusCode).toBe(500);
    const [first, second] = body.split('\n');
    expect(first).toBe('Error: échec voulu');
    // The frame names the fixture's source line (12: the throw), not the bundle's position.
    expect(second).toMatch(/^ {4}at failing \(.*test\/infra\/fixtures\/httpEcho\/handler\.ts:12:\d+\)$/);
    expect(body).not.toContain('index.mjs');
  });

  it("ships the deployment's directory of units next to the bundle and names it, so the function reads it at cold start", () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: { Code: { S3Key: string }; Environment: { Variables: Record<string, string> } } };
    const dir = path.join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    const shipped = fn.Properties.Environment.Variables[DIRECTORY_FILE_ENV] ?? 'missing';
    expect(readFileSync(path.join(dir, shipped), 'utf8')).toBe(readFileSync(path.join(projectRoot, 'test/infra/fixtures/unit-directory.json'), 'utf8'));
    const directory = loadDirectory({ [DIRECTORY_FILE_ENV]: shipped, LAMBDA_TASK_ROOT: dir });
    expect(directory.ud('75').shortLabel).toBe('UD de Paris');
    // The file replaces the directory compiled in.
    expect(() => directory.ud('69')).toThrow(UnknownUnitError);
    expect(() => loadDirectory({ [DIRECTORY_FILE_ENV]: 'absent.json', LAMBDA_TASK_ROOT: dir })).toThrow(/UNIT_DIRECTORY_FILE/);
  });

  it('starts from an empty role: no managed policy, logs only to its own log group', () => {
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'lambda.amazonaws.com' } }] } });
    const role = Object.values(template.findResources('AWS::IAM::Role'))[0] as { Properties: Record<string, unknown> };
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/test-tp-httpEcho', RetentionInDays: 7 });
  });

  it('binding a table for reading grants read actions on the table and its indexes, decrypt on the key, and sets the name variable', () => {
    const policy = Object.values(template.findResources('AWS::IAM::Policy'))[0] as { Properties: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } } };
    const statements = policy.Properties.PolicyDocument.Statement;
    const dynamo = statements.find((s) => s.Action.includes('dynamodb:GetItem'));
    expect(dynamo?.Action).not.toContain('dynamodb:PutItem');
    expect(dynamo?.Resource).toEqual(['arn:aws:dynamodb:eu-west-3:123456789012:table/t', 'arn:aws:dynamodb:eu-west-3:123456789012:table/t/index/byOwner']);
    expect(statements.find((s) => s.Action.includes('kms:Decrypt'))?.Action).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { VIEWS_TABLE_NAME: 't', STAGE: 'dev' } } });
  });
});
