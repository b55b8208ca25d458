import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionDeclarations } from '../../functions/index.js';
import { projectRoot } from '../../infra/app.js';
import { BUNDLE_ENTRY_FILE, bundleFunction, staticClosure } from '../../infra/bundling.js';
import type { FunctionDeclaration } from '../../shared/platform/declarations.js';
import { synthesize } from './synth.js';
import { functionLogicalId, type CfnTemplate } from './template.js';

/**
 * A function's composition root reads the environment at module scope, so a variable its wiring
 * asks for and its declaration does not grant (a table, the bucket, the mail settings) only shows
 * in AWS, as a failed cold start. Here each handler module is imported in a fresh Node process
 * given exactly the variables of its Lambda in the synthesized dev template, and nothing else
 * (offline and in the other tests every function shares one environment holding all of them).
 *
 * CloudFormation references are rendered as plausible strings (a `Ref` becomes `ref-<id>`, the
 * account and region become fixed values), so URLs stay URLs and the cursor secret keeps its length.
 */
const ACCOUNT = '123456789012';
const REGION = 'eu-west-3';

const render = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const intrinsic = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]]; 'Fn::GetAtt'?: [string, string] };
  // The API's own URL, which APP_URL is when no custom domain is given.
  if (intrinsic['Fn::GetAtt']?.[1] === 'ApiEndpoint') return `https://abcdef1234.execute-api.${REGION}.amazonaws.com`;
  if (intrinsic.Ref === 'AWS::Region') return REGION;
  if (intrinsic.Ref === 'AWS::AccountId') return ACCOUNT;
  if (intrinsic.Ref) return `ref-${intrinsic.Ref.toLowerCase()}`;
  if (intrinsic['Fn::Join']) return intrinsic['Fn::Join'][1].map(render).join(intrinsic['Fn::Join'][0]);
  throw new Error(`unexpected value in a Lambda environment: ${JSON.stringify(value)}`);
};

let template: CfnTemplate;

beforeAll(() => {
  template = synthesize({ stage: 'dev', bundle: false }).template.toJSON() as CfnTemplate;
}, 60_000);

const lambdaEnvironment = (declaration: FunctionDeclaration): Record<string, string> => {
  const id = functionLogicalId(template, `dev-tp-${declaration.name}`);
  const variables = (template.Resources[id ?? '']?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, render(value)]));
};

interface ColdStart {
  readonly code: number | null;
  readonly stderr: string;
}

/**
 * Node modules a cold start must not load (issue 16): undici, about 18 ms (jose's remote key set
 * built a `Headers`; an ES import of `node:http` reads its `WebSocket` export), and the facade of
 * `node:stream/web`, about 2 ms (@middy/core imports it; the bundles alias it to a lazy shim).
 */
const HEAVY_BUILTINS = /undici|^NativeModule stream\/web$/;
const COLD_MODULES_PROBE = `process.stderr.write('cold-modules ' + JSON.stringify(process.moduleLoadList.filter((m) => ${HEAVY_BUILTINS.toString()}.test(m))) + '\\n');`;
const coldModulesOf = (stderr: string): unknown => JSON.parse(/^cold-modules (.*)$/m.exec(stderr)?.[1] ?? 'null');

/**
 * The HTTP input schemas (shared/http/schemas.ts) built once the handler module is loaded: none,
 * since each is built with its route's first request (issue 16). A member still behind its getter
 * is not built.
 */
const BUILT_SCHEMAS_PROBE = `const { schemas } = await import(${JSON.stringify(pathToFileURL(path.join(projectRoot, 'shared/http/schemas.ts')).href)}); process.stderr.write('built-schemas ' + JSON.stringify(Object.keys(schemas).filter((name) => !Object.getOwnPropertyDescriptor(schemas, name)?.get)) + '\\n');`;
const builtSchemasOf = (stderr: string): unknown => JSON.parse(/^built-schemas (.*)$/m.exec(stderr)?.[1] ?? 'null');

/**
 * Imports the handler module in a fresh process (TypeScript through tsx), as the Lambda runtime
 * loads the bundle; or, given the files of a built package, imports each of them in turn.
 */
const coldStart = (declaration: FunctionDeclaration, environment: Record<string, string>, packageFiles?: readonly string[]): Promise<ColdStart> =>
  new Promise((resolve, reject) => {
    const urls = packageFiles ? packageFiles.map((file) => pathToFileURL(file).href) : [pathToFileURL(path.join(projectRoot, declaration.entry)).href];
    const imports = urls.map((url) => `await import(${JSON.stringify(url)});`);
    // After the entry: the Node modules its cold start loaded that the SDK clients alone do not load.
    if (packageFiles) imports.splice(1, 0, COLD_MODULES_PROBE);
    // From the sources, after the handler: the input schemas its module load built (the same module instance).
    else imports.push(BUILT_SCHEMAS_PROBE);
    const child = spawn(process.execPath, [...(packageFiles ? [] : ['--import', 'tsx']), '--input-type=module', '-e', imports.join(' ')], {
      cwd: projectRoot,
      // What the Lambda runtime adds to the function's own variables (the credentials are only read on a first call).
      env: { ...environment, AWS_REGION: REGION, AWS_LAMBDA_FUNCTION_NAME: `dev-tp-${declaration.name}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });

/** Runs at most `limit` at once: the machine may have two cores. */
const inBatches = async <T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += limit) results.push(...(await Promise.all(items.slice(start, start + limit).map(run))));
  return results;
};

describe('each function starts with exactly the environment its Lambda gets', () => {
  it('loads every declared handler module with its synthesized variables only', async () => {
    const outcomes = await inBatches(functionDeclarations, 3, async (declaration) => {
      const { code, stderr } = await coldStart(declaration, lambdaEnvironment(declaration));
      return { name: declaration.name, code, builtSchemas: builtSchemasOf(stderr), error: code === 0 ? '' : (/\w*Error: .*/.exec(stderr)?.[0] ?? stderr.slice(0, 300)) };
    });
    expect(outcomes.length).toBe(functionDeclarations.length);
    // The API and the pages build their routers at load; no input schema is built before a request reads it.
    expect(outcomes.filter((outcome) => !Array.isArray(outcome.builtSchemas) || outcome.builtSchemas.length > 0)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.code !== 0)).toEqual([]);
  }, 180_000);

  it('loads every chunk of every function package, built as CDK builds it, with its synthesized variables only', async () => {
    const outcomes = await inBatches(functionDeclarations, 3, async (declaration) => {
      const dir = mkdtempSync(path.join(tmpdir(), `tp-package-${declaration.name}-`));
      const { outputs } = bundleFunction(path.join(projectRoot, declaration.entry), dir, projectRoot, { minify: true });
      const entryOutput = Object.keys(outputs).find((file) => path.basename(file) === BUNDLE_ENTRY_FILE) ?? '';
      const coldInputs = [...staticClosure(outputs, entryOutput)].flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}));
      // A handler with no import() is one file: no chunks folder.
      const chunkDir = path.join(dir, 'chunks');
      const chunks = existsSync(chunkDir) ? readdirSync(chunkDir).filter((file) => file.endsWith('.mjs')) : [];
      // The entry first, as the runtime loads it; then every chunk a request may load later.
      const files = [path.join(dir, BUNDLE_ENTRY_FILE), ...chunks.map((file) => path.join(chunkDir, file))];
      const { code, stderr } = await coldStart(declaration, lambdaEnvironment(declaration), files);
      return {
        name: declaration.name,
        chunks: chunks.length,
        code,
        coldModules: coldModulesOf(stderr),
        zodAtColdStart: coldInputs.some((input) => input.includes('node_modules/zod/')),
        commandRulesAtColdStart: coldInputs.some((input) => input.endsWith('shared/domain/session/preparation.ts')),
        permissionTableAtColdStart: coldInputs.some((input) => input.endsWith('shared/domain/permissions.ts')),
        viewListsAtColdStart: coldInputs.some((input) => input.endsWith('shared/views/dynamoViews.ts')),
        presignerAtColdStart: coldInputs.some((input) => input.includes('node_modules/@aws-sdk/s3-request-presigner/')),
        error: code === 0 ? '' : (/\w*Error: .*/.exec(stderr)?.[0] ?? stderr.slice(0, 300)),
      };
    });
    expect(outcomes.filter((outcome) => outcome.code !== 0)).toEqual([]);
    // No function's cold start loads undici or the web streams' facade.
    expect(outcomes.filter((outcome) => !Array.isArray(outcome.coldModules) || outcome.coldModules.length > 0)).toEqual([]);
    // zod is in the cold start of the functions that parse outside input at every request, and only
    // theirs: the stream consumers and schedules read what the system wrote and validated, and the
    // event store validates appends with validators compiled from the catalogue (issue 16).
    expect(outcomes.filter((outcome) => outcome.zodAtColdStart).map((outcome) => outcome.name)).toEqual(['history', 'api', 'pages', 'signIn']);
    // The session's command rules are in no cold start: the API and the pages load them with the
    // first command; the PV intake takes the decider of the PV file's two commands only
    // (\`sessionDocumentDecider\`); the functions that only fold events import the aggregates'
    // folds (\`sessionFold\`…), not their deciders.
    expect(outcomes.filter((outcome) => outcome.commandRulesAtColdStart).map((outcome) => outcome.name)).toEqual([]);
    // The permission table: in the functions that check who runs a command or opens a route, not in
    // those that import an aggregate's fold (its module imports the table for its decider).
    expect(outcomes.filter((outcome) => outcome.permissionTableAtColdStart).map((outcome) => outcome.name)).toEqual(['api', 'pages', 'pvIntake']);
    // The views' lists and pages: only in the functions that serve them; the projector and the
    // due-date planner write through DynamoViewWriter (shared/views/viewWriter.ts).
    expect(outcomes.filter((outcome) => outcome.viewListsAtColdStart).map((outcome) => outcome.name)).toEqual(['api', 'pages']);
    // The presigner: in no cold start. The API signs an upload link and the history a PV link with
    // their first such request; the PV intake, which signs none, never imports it (shared/vault/uploadLinks.ts).
    expect(outcomes.filter((outcome) => outcome.presignerAtColdStart).map((outcome) => outcome.name)).toEqual([]);
    // The pages are split: each role's templates and the S3 client wait for the request that needs them.
    expect(outcomes.find((outcome) => outcome.name === 'pages')?.chunks).toBeGreaterThan(5);
  }, 180_000);

  it('fails the cold start naming the variable when one its wiring needs is missing', async () => {
    const projector = functionDeclarations.find((declaration) => declaration.name === 'projector');
    expect(projector).toBeDefined();
    if (!projector) return;
    const { VIEWS_TABLE_NAME: _views, ...withoutViews } = lambdaEnvironment(projector);
    expect(_views).toMatch(/^ref-viewstable/);
    const { code, stderr } = await coldStart(projector, withoutViews);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/Missing or invalid environment variables: VIEWS_TABLE_NAME/);
  }, 60_000);
});
