/**
 * The esbuild settings of every Lambda bundle, shared by the CDK construct and by
 * `bench/bundles.bench.ts`, so the benchmark measures exactly what is deployed.
 *
 * ESM with `module` before `main`: the AWS SDK v3 ships an ES build that esbuild can tree-shake,
 * whereas its CommonJS build drags in every command. The SDK is bundled (not taken from the Lambda
 * runtime) so the deployed code runs the version the tests ran. Some CommonJS dependencies call
 * `require` for Node built-ins; the banner gives them one inside the ES module.
 */
export const bundleTarget = 'node24';

export const esmRequireBanner = "import { createRequire as __tpCreateRequire } from 'node:module'; const require = __tpCreateRequire(import.meta.url);";

export const mainFields = ['module', 'main'];

/** Nothing is external: the Node 24 runtime's bundled SDK is not relied upon. */
export const externalModules: string[] = [];
