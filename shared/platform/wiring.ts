import * as z from 'zod';
import { ENV, readEnv, tableEnv } from './env.js';
import type { TableName } from './tables.js';

/**
 * The parts of the environment every composition root reads: the names of the tables its function
 * uses and, offline, the endpoints of the emulators. Each root asks only for what its function
 * uses, so a function needs exactly the variables its declaration (functions/<name>/function.ts)
 * makes the stack set; a missing one fails the cold start, naming the variable.
 *
 * Kept apart from the AWS clients on purpose: a module that imported a client would put that SDK
 * package in the bundle of every function importing the module (shared/aws/options.ts).
 */
const name = z.string().min(1);
const optional = z.string().min(1).optional();

/** The physical names of the given tables, each from its `*_TABLE_NAME` variable (required). */
export const tablesFromEnv = <T extends TableName>(tables: readonly T[], source: NodeJS.ProcessEnv = process.env): Readonly<Record<T, string>> => {
  const env: Record<string, string | undefined> = readEnv(Object.fromEntries(tables.map((table) => [tableEnv[table], name])), source);
  return Object.fromEntries(tables.map((table) => [table, env[tableEnv[table]]])) as Record<T, string>;
};

/** The emulators' endpoints (`DYNAMODB_ENDPOINT`…): set offline and in integration tests, unset in AWS. */
export const endpointsFromEnv = (source: NodeJS.ProcessEnv = process.env) => {
  const env = readEnv({ [ENV.DYNAMODB_ENDPOINT]: optional, [ENV.S3_ENDPOINT]: optional, [ENV.SES_ENDPOINT]: optional, [ENV.SQS_ENDPOINT]: optional }, source);
  return { dynamodb: env[ENV.DYNAMODB_ENDPOINT], s3: env[ENV.S3_ENDPOINT], ses: env[ENV.SES_ENDPOINT], sqs: env[ENV.SQS_ENDPOINT] };
};

/** `PV_BUCKET_NAME`, required: the vault (versioned, Object Lock). */
export const pvBucketFromEnv = (source: NodeJS.ProcessEnv = process.env): string => readEnv({ [ENV.PV_BUCKET]: name }, source)[ENV.PV_BUCKET];

/** `UPLOAD_BUCKET_NAME`, required: the upload area (no Object Lock), where browsers PUT and rejected files wait in quarantine. */
export const uploadBucketFromEnv = (source: NodeJS.ProcessEnv = process.env): string => readEnv({ [ENV.UPLOAD_BUCKET]: name }, source)[ENV.UPLOAD_BUCKET];

/** `APP_URL`, required: the public address of the pages, for the links in mails. */
export const appUrlFromEnv = (source: NodeJS.ProcessEnv = process.env): string => readEnv({ [ENV.APP_URL]: name }, source)[ENV.APP_URL];
