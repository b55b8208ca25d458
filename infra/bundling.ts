import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';

/**
 * How every Lambda bundle is built, shared by the CDK construct (infra/constructs/projectFunction.ts)
 * and by `bench/bundles.bench.ts`, so the benchmark measures exactly what is deployed.
 *
 * ESM with `module` before `main`: the AWS SDK v3 ships an ES build that esbuild can tree-shake,
 * whereas its CommonJS build drags in every command. The SDK is bundled (not taken from the Lambda
 * runtime) so the deployed code runs the version the tests ran. Some CommonJS dependencies call
 * `require` for Node built-ins; the banner gives them one inside each ES module.
 *
 * Code splitting: what a handler loads with `import()` (the pages of one role, the multipart
 * parser) becomes a chunk of its own under `chunks/`, loaded by the first request that needs it,
 * so a cold start parses the entry and what it imports statically, not every page of the
 * function. A handler with no `import()` still gives one file, `index.mjs`.
 */
const bundleTarget = 'node24';

const esmRequireBanner = "import { createRequire as __tpCreateRequire } from 'node:module'; const require = __tpCreateRequire(import.meta.url);";

const mainFields = ['module', 'main'];

/**
 * Node built-ins replaced in every bundle by a module that loads them on first use: @middy/core
 * imports `node:stream/web` at module scope for a branch no function takes (streamed responses),
 * which loaded Node's web streams at every cold start (shared/platform/streamWebShim.ts).
 */
const lazyBuiltins = (projectRoot: string): Record<string, string> => ({
  'node:stream/web': path.join(projectRoot, 'shared/platform/streamWebShim.ts'),
});

/** The file the Lambda runtime loads (handler `index.handler`). */
export const BUNDLE_ENTRY_FILE = 'index.mjs';

export interface BundleOptions {
  /** Minified (deployed) or readable (the benchmark's naive bundle). */
  readonly minify?: boolean;
  /** Source maps without the sources' text: stack traces point at the TypeScript files. */
  readonly sourcemap?: boolean;
  /** Split into lazily loaded chunks (the default); off, one file as before (the benchmark's comparison). */
  readonly splitting?: boolean;
  /** Resolves packages from these folders too (the benchmark's floor lives outside the project). */
  readonly nodePaths?: readonly string[];
}

/** The esbuild options of one function's bundle: `entry` (absolute) into `outdir`. */
const bundleOptions = (entry: string, outdir: string, projectRoot: string, options: BundleOptions = {}): BuildOptions & { metafile: true } => ({
  entryPoints: { index: entry },
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: options.splitting ?? true,
  platform: 'node',
  format: 'esm',
  target: bundleTarget,
  mainFields,
  // Nothing is external: the Node 24 runtime's bundled SDK is not relied upon.
  external: [],
  banner: { js: esmRequireBanner },
  alias: lazyBuiltins(projectRoot),
  minify: options.minify ?? true,
  // French text as UTF-8 bytes (2 for « é »), not escaped as \u00e9 (6): smaller cold starts; Node reads modules as UTF-8.
  charset: 'utf8',
  sourcemap: options.sourcemap ?? false,
  sourcesContent: false,
  metafile: true,
  logLevel: 'error',
  absWorkingDir: projectRoot,
  ...(options.nodePaths ? { nodePaths: [...options.nodePaths] } : {}),
});

/**
 * Builds one function's package into `outdir` with the local esbuild (never Docker): the entry
 * `index.mjs`, its chunks, their source maps, and the files to ship beside them. Synchronous, as
 * CDK's local bundling requires.
 */
export const bundleFunction = (
  entry: string,
  outdir: string,
  projectRoot: string,
  options: BundleOptions & { readonly shipFiles?: Readonly<Record<string, string>> } = {},
): Metafile => {
  const result = buildSync(bundleOptions(entry, outdir, projectRoot, options));
  for (const [name, source] of Object.entries(options.shipFiles ?? {})) copyFileSync(source, path.join(outdir, name));
  return result.metafile;
};

/**
 * The output files `from` imports statically, transitively, itself included: from the entry, what a
 * cold start loads (the other chunks wait for an `import()`).
 */
export const staticClosure = (outputs: Metafile['outputs'], from: string, seen = new Set<string>()): Set<string> => {
  if (seen.has(from)) return seen;
  seen.add(from);
  for (const imported of outputs[from]?.imports ?? []) if (imported.kind === 'import-statement' && outputs[imported.path]) staticClosure(outputs, imported.path, seen);
  return seen;
};
