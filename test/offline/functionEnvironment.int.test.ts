import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionDeclarations } from '../../functions/index.js';
import { projectRoot } from '../../infra/app.js';
import type { OfflineRuntime } from '../../infra/offline/index.js';
import { HOST_VARIABLE_PREFIXES, HOST_VARIABLES, LAMBDA_RUNTIME_VARIABLES, LIBRARY_VARIABLES, OFFLINE_ENDPOINT_VARIABLES } from '../../infra/offline/iam/functionEnvironment.js';
import { offlineTemplate } from '../../infra/offline/iam/template.js';
import { bucketEnv, tableEnv } from '../../shared/platform/env.js';
import { tableNames } from '../../shared/platform/tables.js';
import { boot, temporaryDataDir } from './support.js';

/**
 * Every real function, offline, gets exactly the variables of its Lambda in the synthesized
 * template (resolved to the local tables, buckets, queue and URLs), besides what Lambda itself
 * sets and the emulators' endpoints: no table, bucket or setting its declaration does not grant,
 * and each handler module still loads with only that (the runtime imports them all at start).
 */
let runtime: OfflineRuntime;
let data: Awaited<ReturnType<typeof temporaryDataDir>>;

beforeAll(async () => {
  data = await temporaryDataDir();
  runtime = await boot(data.path, { declarations: functionDeclarations });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
  await data?.remove();
});

const isHostVariable = (name: string) => (HOST_VARIABLES as readonly string[]).includes(name) || HOST_VARIABLE_PREFIXES.some((prefix) => name.startsWith(prefix));
const known = new Set<string>([...LAMBDA_RUNTIME_VARIABLES, ...OFFLINE_ENDPOINT_VARIABLES, ...LIBRARY_VARIABLES]);

describe('each real function’s environment offline', () => {
  it('given the synthesized template, each function’s own variables are exactly its Lambda’s, with local values', async () => {
    const { template } = await offlineTemplate(functionDeclarations, projectRoot);
    const localBuckets = new Set([runtime.bucket, runtime.uploadBucket]);
    for (const declaration of functionDeclarations) {
      const lambda = Object.values(template.Resources).find((resource) => resource.Properties?.FunctionName === `dev-tp-${declaration.name}`);
      const variables = Object.keys((lambda?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {});
      const environment = runtime.environmentOf(declaration.name) ?? {};
      const own = Object.keys(environment).filter((name) => !known.has(name) && !isHostVariable(name));
      // The hosted sign-in page has no local counterpart: the local sign-in replaces it.
      expect(own.sort(), declaration.name).toEqual(variables.filter((name) => name !== 'AUTH_HOSTED_UI_URL').sort());
      for (const [name, value] of Object.entries(environment)) expect(value, `${declaration.name} ${name}`).not.toMatch(/unresolved:|dev-tp-/);
      for (const table of tableNames) {
        const value = environment[tableEnv[table]];
        if (value !== undefined) expect(value, `${declaration.name} ${table}`).toBe(runtime.tables[table]);
      }
      for (const variable of Object.values(bucketEnv)) {
        const value = environment[variable];
        if (value !== undefined) expect(localBuckets.has(value), `${declaration.name} ${variable}`).toBe(true);
      }
      expect(environment.AWS_ACCESS_KEY_ID).toBe(`AKIALOCAL${declaration.name.toUpperCase()}`);
    }
  });

  it('given two functions with different grants, each sees only its own tables', () => {
    const projector = runtime.environmentOf('projector') ?? {};
    const signIn = runtime.environmentOf('signIn') ?? {};
    expect(projector[tableEnv.views]).toBe(runtime.tables.views);
    expect(Object.keys(signIn).filter((name) => name.endsWith('_TABLE_NAME'))).toEqual([]);
  });
});
