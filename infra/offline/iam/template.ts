import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { FunctionDeclaration } from '../../../shared/platform/declarations.js';

/**
 * The synthesized CloudFormation template the offline runtime takes each function's environment
 * and IAM policy from, so that offline a function sees and may do exactly what it would in AWS.
 *
 * It is the dev stage's template (the closest to a local system: SES sandbox grants, no custom
 * domain), synthesized in this process without bundling and without cdk-nag (both cost most of a
 * synth and change nothing in the template), and kept in a file cache keyed by a hash of what can
 * change it: the CDK code (infra/ but infra/offline/), the shared code it imports, the function
 * declarations and the aws-cdk-lib version. `npm start` and every test file starting a runtime read
 * the cached file; only the first after a change pays the synth.
 */
interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
}

/** The stage synthesized for offline use, and the mail domain that makes its sender the local one. */
export const TEMPLATE_STAGE = 'dev';
const LOCAL_MAIL_DOMAIN = 'tp-sessions.local';

const listFiles = async (directory: string, keep: (path: string) => boolean): Promise<string[]> => {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter(keep)
    .sort();
};

/** The hash of everything the template depends on (see the module comment). */
const templateKey = async (declarations: readonly FunctionDeclaration[], rootDir: string): Promise<string> => {
  const isSource = (path: string) => path.endsWith('.ts') && !path.includes('/node_modules/');
  const files = [
    ...(await listFiles(join(rootDir, 'infra'), (path) => isSource(path) && !relative(rootDir, path).startsWith('infra/offline/'))),
    ...(await listFiles(join(rootDir, 'shared'), isSource)),
    ...(await listFiles(join(rootDir, 'events'), isSource)),
    ...(await listFiles(join(rootDir, 'functions'), (path) => path.endsWith('/function.ts') || path.endsWith('functions/index.ts'))),
    join(rootDir, 'cdk.json'),
    join(rootDir, 'node_modules', 'aws-cdk-lib', 'package.json'),
  ];
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ stage: TEMPLATE_STAGE, declarations }));
  for (const file of files) {
    hash.update(relative(rootDir, file));
    hash.update(await readFile(file).catch(() => Buffer.alloc(0)));
  }
  return hash.digest('hex').slice(0, 24);
};

/** Synthesizes the stack in this process (no bundling, no cdk-nag, no CloudFormation linter). */
const synthesizeTemplate = async (declarations: readonly FunctionDeclaration[], rootDir: string): Promise<CfnTemplate> => {
  // Loaded only on a cache miss: aws-cdk-lib takes a second or more to import.
  const [{ App }, { TpSessionsStack }, { settingsFromContext }] = await Promise.all([import('aws-cdk-lib'), import('../../stack.js'), import('../../settings.js')]);
  const outdir = mkdtempSync(join(tmpdir(), 'tp-offline-synth-'));
  try {
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      context: { stage: TEMPLATE_STAGE, mailDomain: LOCAL_MAIL_DOMAIN },
      postCliContext: { 'aws:cdk:bundling-stacks': [] },
    });
    const settings = settingsFromContext((key) => app.node.tryGetContext(key) as unknown);
    const stack = new TpSessionsStack(app, `TpSessions-${TEMPLATE_STAGE}`, { settings, declarations, projectRoot: rootDir });
    return app.synth().getStackByName(stack.stackName).template as CfnTemplate;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
};

/** Where synthesized templates are kept between runs (npm's conventional cache folder). */
const templateCacheDir = (rootDir: string): string => join(rootDir, 'node_modules', '.cache', 'tp-sessions', 'offline-templates');

/**
 * The template for these declarations: from the cache when nothing it depends on changed, else
 * synthesized and cached (written atomically: test files starting runtimes at once may race).
 */
export const offlineTemplate = async (declarations: readonly FunctionDeclaration[], rootDir: string): Promise<{ template: CfnTemplate; cached: boolean }> => {
  const directory = templateCacheDir(rootDir);
  const file = join(directory, `${await templateKey(declarations, rootDir)}.json`);
  const cached = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as CfnTemplate,
    () => undefined,
  );
  if (cached) return { template: cached, cached: true };
  const template = await synthesizeTemplate(declarations, rootDir).catch((error: unknown) => {
    throw new Error(`offline: the CDK stack does not synthesize, so no function's environment and policy can be read from it: ${(error as Error).message}`, { cause: error });
  });
  await mkdir(directory, { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, JSON.stringify(template));
  await rename(temporary, file);
  await pruneCache(directory);
  return { template, cached: false };
};

/** Keeps the newest templates only: each change of the stack's code leaves one behind. */
const KEPT_TEMPLATES = 20;
/**
 * Test files starting runtimes at once prune at once: a file another one removed between the
 * listing and its `stat` is simply gone (it failed a test file with ENOENT before).
 */
export const pruneCache = async (directory: string, kept = KEPT_TEMPLATES) => {
  const listed = await Promise.all(
    (await readdir(directory))
      .filter((name) => name.endsWith('.json'))
      .map(async (name) => {
        const path = join(directory, name);
        const at = await stat(path).then(
          (stats) => stats.mtimeMs,
          (error: NodeJS.ErrnoException) => {
            if (error.code === 'ENOENT') return undefined;
            throw error;
          },
        );
        return at === undefined ? undefined : { path, at };
      }),
  );
  const files = listed.filter((file) => file !== undefined);
  for (const old of files.sort((a, b) => b.at - a.at).slice(kept)) await rm(old.path, { force: true });
};
