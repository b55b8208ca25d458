/**
 * `npm run bench:bundles [-- --runs N --with-fixtures]`
 *
 * For each declared function (functions/index.ts; the infra test fixtures too with
 * `--with-fixtures`, or when the registry is empty): its Lambda package, built exactly as the CDK
 * construct builds it (infra/bundling.ts: ES module, `module` before `main`, minified, split into
 * chunks) but without source maps, and the time a fresh Node 24 process takes to load it. Beside
 * it, built in the same run and the same way:
 *
 * - the floor: a bare handler that only imports and instantiates the same AWS SDK clients (found in
 *   the function's esbuild metafile);
 * - the naive bundle: the same handler, not minified;
 * - the single file: the same handler, minified, not split (as every function was built before
 *   issue 16's splitting), to show what the splitting buys in the same run.
 *
 * A package is split: what a cold start loads is the entry and the chunks it imports statically
 * (the "cold" KB); the rest (a role's pages, the multipart parser, the SDK's unused credential
 * providers) loads on the first request that needs it. The table gives the cold KB and the whole
 * package, and, for a function whose own code loads lazily, the heaviest first request: the
 * cold start plus the largest of its lazy chunks (with what they import), loaded in the same
 * process. The floor is split the same way, so the ratios compare like with like. A function that
 * loads a client only on first use (the HTTP functions' S3 client) is also compared with the floor
 * of the clients its cold start loads.
 *
 * Aim (issue 7, then 16): cold KB within 15% of the floor's, load time within 1.2 times the floor's.
 * The runs of a function, its floor, its naive bundle and its single file alternate, so that load from elsewhere on
 * the machine falls on all three alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Metafile } from 'esbuild';
import { functionDeclarations } from '../functions/index.js';
import { projectRoot } from '../infra/app.js';
import { BUNDLE_ENTRY_FILE, bundleFunction, staticClosure } from '../infra/bundling.js';
import { AUTH_ENV, ENV, secretEnv, tableEnv } from '../shared/platform/env.js';
import type { FunctionDeclaration } from '../shared/platform/declarations.js';
import { fixtureDeclarations } from '../test/infra/fixtures/declarations.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, 'with-fixtures': { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const workDir = mkdtempSync(path.join(tmpdir(), 'tp-bundles-'));

interface Built {
  /** The entry, what the runtime imports. */
  readonly file: string;
  readonly metafile: Metafile;
  /** Every chunk of the package. */
  readonly totalBytes: number;
  /** The entry and the chunks it imports statically: what a cold start parses. */
  readonly coldBytes: number;
  /** The SDK clients the cold start loads (the others load on first use). */
  readonly coldClients: readonly string[];
  /** The function's own lazily loaded chunk that adds most to a cold start, with what it adds. */
  readonly heaviestLazy?: { readonly file: string; readonly extraBytes: number };
}

const bytesOf = (outputs: Metafile['outputs'], files: Iterable<string>) => [...files].reduce((sum, file) => sum + (outputs[file]?.bytes ?? 0), 0);

const bundle = (entry: string, outDir: string, minify: boolean, splitting = true): Built => {
  const metafile = bundleFunction(entry, outDir, projectRoot, {
    minify,
    splitting,
    sourcemap: false,
    // The floor's source lives in a temporary folder: resolve packages from the project.
    nodePaths: [path.join(projectRoot, 'node_modules')],
  });
  const outputs = metafile.outputs;
  const entryKey = Object.keys(outputs).find((file) => path.basename(file) === BUNDLE_ENTRY_FILE);
  if (!entryKey) throw new Error(`no ${BUNDLE_ENTRY_FILE} built for ${entry}`);
  const cold = staticClosure(outputs, entryKey);
  // Lazy chunks holding the project's own code (not the SDK's credential providers, never loaded in Lambda).
  const ownLazy = Object.keys(outputs).filter(
    (file) => !cold.has(file) && file.endsWith('.mjs') && Object.keys(outputs[file]?.inputs ?? {}).some((input) => !input.includes('node_modules')),
  );
  const heaviest = ownLazy
    .map((file) => ({
      file: path.resolve(projectRoot, file),
      extraBytes: bytesOf(
        outputs,
        [...staticClosure(outputs, file)].filter((f) => !cold.has(f)),
      ),
    }))
    .sort((a, b) => b.extraBytes - a.extraBytes)[0];
  return {
    file: path.resolve(projectRoot, entryKey),
    metafile,
    totalBytes: bytesOf(
      outputs,
      Object.keys(outputs).filter((file) => file.endsWith('.mjs')),
    ),
    coldBytes: bytesOf(outputs, cold),
    coldClients: sdkClients(metafile, cold),
    ...(heaviest ? { heaviestLazy: heaviest } : {}),
  };
};

/** The `@aws-sdk/client-*` packages a bundle pulls in (those of the given output files only, if given). */
const sdkClients = (metafile: Metafile, files?: ReadonlySet<string>): string[] =>
  [
    ...new Set(
      Object.entries(metafile.outputs)
        .filter(([file]) => !files || files.has(file))
        .flatMap(([, output]) => Object.keys(output.inputs))
        .flatMap((input) => /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(input)?.[1] ?? []),
    ),
  ].sort();

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

/** Milliseconds to import the modules, one after the other, in a fresh Node process (its start is not counted). */
const loadOnce = (files: readonly string[]): number => {
  const imports = files.map((file) => `await import(${JSON.stringify(pathToFileURL(file).href)});`).join(' ');
  const probe = `const t = process.hrtime.bigint(); ${imports} console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { env: fakeEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`loading ${files.join(', ')} failed: ${result.stderr.split('\n').slice(0, 4).join(' ')}`);
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
  /** Loaded at cold start, and the whole package. */
  readonly kb: number;
  readonly totalKb: number;
  readonly floorKb: number;
  readonly naiveKb: number;
  readonly ms: number | string;
  readonly floorMs: number;
  readonly naiveMs: number | string;
  readonly singleKb: number;
  readonly singleMs: number | string;
  /** When the function defers a client: the floor of the clients its cold start loads. */
  readonly coldFloor?: { readonly clients: string; readonly kb: number; readonly ms: number };
  /** The cold start plus the heaviest lazy chunk of the function's own code, when it has one. */
  readonly firstRequest?: { readonly kb: number; readonly ms: number; readonly chunk: string };
}

const shortName = (pkg: string) => pkg.replace('@aws-sdk/client-', '');
/** The function's clients, those it loads only on first use named as such. */
const clientsCell = (all: readonly string[], cold: readonly string[]): string => {
  const deferred = all.filter((pkg) => !cold.includes(pkg));
  return (all.map(shortName).join('+') || '(none)') + (deferred.length > 0 ? ` (${deferred.map(shortName).join(', ')} on first use)` : '');
};

const measure = async (declaration: FunctionDeclaration): Promise<Row> => {
  const dir = path.join(workDir, declaration.name);
  const entry = path.join(projectRoot, declaration.entry);
  const fn = bundle(entry, path.join(dir, 'minified'), true);
  const naive = bundle(entry, path.join(dir, 'naive'), false);
  const single = bundle(entry, path.join(dir, 'single'), true, false);
  const packages = sdkClients(fn.metafile);
  mkdirSync(path.join(dir, 'floor-src'), { recursive: true });
  const floorEntry = path.join(dir, 'floor-src', 'handler.mjs');
  writeFileSync(floorEntry, await floorSource(packages));
  const floor = bundle(floorEntry, path.join(dir, 'floor'), true);
  let coldFloor: Built | undefined;
  if (fn.coldClients.length < packages.length) {
    const coldFloorEntry = path.join(dir, 'floor-src', 'cold.mjs');
    writeFileSync(coldFloorEntry, await floorSource(fn.coldClients));
    coldFloor = bundle(coldFloorEntry, path.join(dir, 'cold-floor'), true);
  }

  const lazy = fn.heaviestLazy;
  const samples = { fn: [] as number[], floor: [] as number[], coldFloor: [] as number[], naive: [] as number[], single: [] as number[], first: [] as number[] };
  let failure: string | undefined;
  loadOnce([floor.file]); // warm the file system cache for all alike
  for (let i = 0; i < runs; i += 1) {
    samples.floor.push(loadOnce([floor.file]));
    if (coldFloor) samples.coldFloor.push(loadOnce([coldFloor.file]));
    try {
      samples.fn.push(loadOnce([fn.file]));
      samples.naive.push(loadOnce([naive.file]));
      samples.single.push(loadOnce([single.file]));
      if (lazy) samples.first.push(loadOnce([fn.file, lazy.file]));
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      break;
    }
  }
  const kb = (bytes: number) => bytes / 1024;
  return {
    name: declaration.name,
    clients: clientsCell(packages, fn.coldClients),
    kb: kb(fn.coldBytes),
    totalKb: kb(fn.totalBytes),
    floorKb: kb(floor.coldBytes),
    naiveKb: kb(naive.coldBytes),
    ms: failure ? `load error: ${failure.slice(0, 120)}` : median(samples.fn),
    floorMs: median(samples.floor),
    naiveMs: failure ? '-' : median(samples.naive),
    singleKb: kb(single.coldBytes),
    singleMs: failure ? '-' : median(samples.single),
    ...(coldFloor ? { coldFloor: { clients: fn.coldClients.map(shortName).join('+'), kb: kb(coldFloor.coldBytes), ms: median(samples.coldFloor) } } : {}),
    ...(lazy && !failure ? { firstRequest: { kb: kb(fn.coldBytes + lazy.extraBytes), ms: median(samples.first), chunk: path.basename(lazy.file) } } : {}),
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
const ratio = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(2));

/** A Markdown table: the columns of `textColumns` (indexes) left-aligned, the figures right-aligned; nothing when there is no line. */
const printTable = (intro: string | undefined, header: readonly string[], textColumns: readonly number[], lines: readonly (readonly string[])[]) => {
  if (lines.length === 0) return;
  if (intro) console.log(`\n${intro}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (textColumns.includes(i) ? '---' : '---:')).join('|')}|`);
  for (const line of lines) console.log(`| ${line.join(' | ')} |`);
};

printTable(
  undefined,
  [
    'function',
    'SDK clients',
    'cold KB',
    'package KB',
    'floor KB',
    'size / floor',
    'load ms',
    'floor ms',
    'load / floor',
    'naive KB',
    'naive ms',
    'single file KB',
    'single file ms',
    'aim met',
  ],
  [0, 1, 13],
  rows.map((row) => {
    // A function with no SDK client has an empty handler for floor: a ratio to it says nothing.
    const noFloor = row.clients.startsWith('(none)');
    const sizeRatio = noFloor ? NaN : row.kb / row.floorKb;
    const loadRatio = typeof row.ms === 'number' && !noFloor ? row.ms / row.floorMs : NaN;
    const met = noFloor ? 'n/a (no SDK client: see the KB)' : sizeRatio <= 1.15 && loadRatio <= 1.2 ? 'yes' : 'no';
    return [
      row.name,
      row.clients,
      f1(row.kb),
      f1(row.totalKb),
      f1(row.floorKb),
      ratio(sizeRatio),
      cell(row.ms),
      f1(row.floorMs),
      ratio(loadRatio),
      f1(row.naiveKb),
      cell(row.naiveMs),
      f1(row.singleKb),
      cell(row.singleMs),
      met,
    ];
  }),
);

printTable(
  'Functions that load a client on first use: their cold start against the floor of the clients it loads.',
  ['function', 'cold start clients', 'cold KB', 'floor KB', 'size / floor', 'load ms', 'floor ms', 'load / floor'],
  [0, 1],
  rows.flatMap((row) => {
    const floor = row.coldFloor;
    if (!floor) return [];
    const loadRatio = typeof row.ms === 'number' ? ratio(row.ms / floor.ms) : '-';
    return [[row.name, floor.clients, f1(row.kb), f1(floor.kb), ratio(row.kb / floor.kb), cell(row.ms), f1(floor.ms), loadRatio]];
  }),
);

printTable(
  "Heaviest first request: the cold start, then the largest lazy chunk of the function's own code (with what it imports), in one process.",
  ['function', 'chunk', 'KB', 'size / floor', 'load ms', 'load / floor'],
  [0, 1],
  rows.flatMap((row) => {
    const first = row.firstRequest;
    return first ? [[row.name, first.chunk, f1(first.kb), ratio(first.kb / row.floorKb), f1(first.ms), ratio(first.ms / row.floorMs)]] : [];
  }),
);
