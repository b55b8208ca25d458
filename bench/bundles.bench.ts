/**
 * `npm run bench:bundles [-- --runs N --with-fixtures]`
 *
 * For each declared function (functions/index.ts; the infra test fixtures too with
 * `--with-fixtures`, or when the registry is empty): the size of its Lambda bundle, built with the
 * exact esbuild settings of the CDK construct (infra/bundling.ts: ES module, `module` before
 * `main`, minified) but without source map, and the time a fresh Node 24 process takes to load it
 * (`import()` of the bundle, median of N runs). Beside it, built in the same run:
 *
 * - the floor: a bare handler that only imports and instantiates the same AWS SDK clients (found in
 *   the function's esbuild metafile), bundled minified as an ES module with the same settings;
 * - the naive bundle: the same handler, same settings, not minified.
 *
 * Aim (issue 7): bundle within 15% of its floor's size, load time within 1.2 times the floor's.
 * The runs of a function, its floor and its naive bundle alternate, so that load from elsewhere on
 * the machine falls on all three alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { functionDeclarations } from '../functions/index.js';
import { projectRoot } from '../infra/app.js';
import { bundleTarget, esmRequireBanner, mainFields } from '../infra/bundling.js';
import { AUTH_ENV, ENV, secretEnv, tableEnv } from '../shared/platform/env.js';
import type { FunctionDeclaration } from '../shared/platform/declarations.js';
import { fixtureDeclarations } from '../test/infra/fixtures/declarations.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, 'with-fixtures': { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const workDir = mkdtempSync(path.join(tmpdir(), 'tp-bundles-'));

interface Built {
  readonly file: string;
  readonly bytes: number;
  readonly metafile: Metafile;
}

const bundle = async (entry: string, outDir: string, minify: boolean): Promise<Built> => {
  const file = path.join(outDir, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: bundleTarget,
    mainFields,
    banner: { js: esmRequireBanner },
    minify,
    sourcemap: false,
    metafile: true,
    logLevel: 'error',
    absWorkingDir: projectRoot,
    // The floor's source lives in a temporary folder: resolve packages from the project.
    nodePaths: [path.join(projectRoot, 'node_modules')],
  });
  return { file, bytes: statSync(file).size, metafile: result.metafile };
};

/** The `@aws-sdk/client-*` packages a bundle pulls in. */
const sdkClients = (metafile: Metafile): string[] =>
  [...new Set(Object.keys(metafile.inputs).flatMap((input) => /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(input)?.[1] ?? []))].sort();

/** A handler that does nothing but create one client of each package: the least a bundle can be. */
const floorSource = async (packages: readonly string[]): Promise<string> => {
  const lines: string[] = [];
  for (const [i, pkg] of packages.entries()) {
    const exported = Object.keys((await import(pkg)) as Record<string, unknown>).filter((name) => /^[A-Za-z0-9]+Client$/.test(name));
    const clientName = exported.sort((a, b) => a.length - b.length)[0];
    if (!clientName) throw new Error(`no client class exported by ${pkg}`);
    lines.push(`import { ${clientName} as C${i} } from '${pkg}';`, `const c${i} = new C${i}({});`);
  }
  lines.push(`export const handler = async () => ({ clients: [${packages.map((_, i) => `c${i}`).join(', ')}].length });`);
  return lines.join('\n');
};

/** The environment a function reads at cold start, with harmless values, so its module loads. */
const fakeEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'eu-west-3',
  // Set by Lambda: the SDK clients get their X-Ray middleware only where it is.
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  ...Object.fromEntries(Object.values(tableEnv).map((name) => [name, `bench-${name.toLowerCase()}`])),
  [ENV.STAGE]: 'dev',
  [ENV.PV_BUCKET]: 'bench-pv',
  [ENV.UPLOAD_BUCKET]: 'bench-uploads',
  [ENV.MAIL_FROM]: 'ne-pas-repondre@example.org',
  [ENV.SES_CONFIGURATION_SET]: 'bench-mail',
  [ENV.MAIL_DLQ_URL]: 'https://sqs.eu-west-3.amazonaws.com/123456789012/bench-mail-retry',
  // The history function reads its cursor key from Secrets Manager on its first request, not at load.
  [secretEnv.cursor]: 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:bench-cursor-secret-AbCdEf',
  [ENV.APP_URL]: 'https://app.example.org',
  [AUTH_ENV.ISSUER]: 'https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_bench',
  [AUTH_ENV.AUDIENCE]: 'bench-client',
  [AUTH_ENV.JWKS_URL]: 'https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_bench/.well-known/jwks.json',
};

/** Milliseconds to import the module in a fresh Node process (the process start is not counted). */
const loadOnce = (file: string): number => {
  const probe = `const t = process.hrtime.bigint(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { env: fakeEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`loading ${file} failed: ${result.stderr.split('\n').slice(0, 4).join(' ')}`);
  return Number(result.stdout.trim());
};

const median = (samples: number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

interface Row {
  readonly name: string;
  readonly clients: string;
  readonly kb: number;
  readonly floorKb: number;
  readonly naiveKb: number;
  readonly ms: number | string;
  readonly floorMs: number;
  readonly naiveMs: number | string;
}

const measure = async (declaration: FunctionDeclaration): Promise<Row> => {
  const dir = path.join(workDir, declaration.name);
  const entry = path.join(projectRoot, declaration.entry);
  const fn = await bundle(entry, path.join(dir, 'minified'), true);
  const naive = await bundle(entry, path.join(dir, 'naive'), false);
  const packages = sdkClients(fn.metafile);
  mkdirSync(path.join(dir, 'floor-src'), { recursive: true });
  const floorEntry = path.join(dir, 'floor-src', 'handler.mjs');
  writeFileSync(floorEntry, await floorSource(packages));
  const floor = await bundle(floorEntry, path.join(dir, 'floor'), true);

  const samples = { fn: [] as number[], floor: [] as number[], naive: [] as number[] };
  let failure: string | undefined;
  loadOnce(floor.file); // warm the file system cache for all three alike
  for (let i = 0; i < runs; i += 1) {
    samples.floor.push(loadOnce(floor.file));
    try {
      samples.fn.push(loadOnce(fn.file));
      samples.naive.push(loadOnce(naive.file));
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      break;
    }
  }
  const kb = (bytes: number) => bytes / 1024;
  return {
    name: declaration.name,
    clients: packages.map((p) => p.replace('@aws-sdk/client-', '')).join('+') || '(none)',
    kb: kb(fn.bytes),
    floorKb: kb(floor.bytes),
    naiveKb: kb(naive.bytes),
    ms: failure ? `load error: ${failure.slice(0, 120)}` : median(samples.fn),
    floorMs: median(samples.floor),
    naiveMs: failure ? '-' : median(samples.naive),
  };
};

const targets = values['with-fixtures'] || functionDeclarations.length === 0 ? [...functionDeclarations, ...fixtureDeclarations] : functionDeclarations;
console.log(`Node ${process.version}, ${runs} fresh-process loads per bundle (median), ${targets.length} functions, bundles in ${workDir}\n`);
const rows: Row[] = [];
for (const declaration of targets) {
  const row = await measure(declaration);
  rows.push(row);
  console.error(`measured ${row.name}`);
}

const f1 = (n: number) => n.toFixed(1);
const cell = (value: number | string) => (typeof value === 'number' ? f1(value) : value);
console.log('| function | SDK clients | bundle KB | floor KB | size / floor | load ms | floor ms | load / floor | naive KB | naive ms | aim met |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const row of rows) {
  // A function with no SDK client has an empty handler for floor: a ratio to it says nothing.
  const noFloor = row.clients === '(none)';
  const sizeRatio = noFloor ? NaN : row.kb / row.floorKb;
  const loadRatio = typeof row.ms === 'number' && !noFloor ? row.ms / row.floorMs : NaN;
  const met = noFloor ? 'n/a (no SDK client: see the KB)' : sizeRatio <= 1.15 && loadRatio <= 1.2 ? 'yes' : 'no';
  const ratio = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(2));
  console.log(
    `| ${row.name} | ${row.clients} | ${f1(row.kb)} | ${f1(row.floorKb)} | ${ratio(sizeRatio)} | ${cell(row.ms)} | ${f1(row.floorMs)} | ${ratio(loadRatio)} | ${f1(row.naiveKb)} | ${cell(row.naiveMs)} | ${met} |`,
  );
}
