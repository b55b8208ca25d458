import * as z from 'zod';
import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import { tokenVerifierFromEnv, type TokenVerifier } from '../auth/verify.js';
import { defaultSettings } from '../domain/decider.js';
import { defaultTitres } from '../domain/titres.js';
import { loadDirectory } from '../directory/directory.js';
import { DynamoEventStore } from '../eventStore/dynamoEventStore.js';
import { systemClock } from '../platform/clock.js';
import { ENV, readEnv, tableEnv } from '../platform/env.js';
import { DynamoPersonalDataStore } from '../personalData/store.js';
import { PvVault } from '../vault/vault.js';
import { DynamoViews } from '../views/index.js';
import { DynamoIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import type { AppDeps } from './operations.js';

/**
 * The composition root of the HTTP functions: reads the environment once (a missing variable
 * fails the cold start naming it) and builds every adapter with its client. Called at module
 * scope by the handlers.
 */
export interface HttpWiring {
  readonly deps: AppDeps;
  readonly idempotency: IdempotencyStore;
  readonly verify: TokenVerifier;
  /** Origin of the PV bucket, for the CSP's connect-src. */
  readonly uploadOrigin: string;
}

export const wireFromEnv = (source: NodeJS.ProcessEnv = process.env): HttpWiring => {
  const env = readEnv(
    {
      events: z.string().min(1),
      history: z.string().min(1),
      views: z.string().min(1),
      personalData: z.string().min(1),
      idempotency: z.string().min(1),
      bucket: z.string().min(1),
      cursorSecret: z.string().min(32),
      dynamoEndpoint: z.string().optional(),
      s3Endpoint: z.string().optional(),
      region: z.string().optional(),
    },
    {
      events: source[tableEnv.events],
      history: source[tableEnv.history],
      views: source[tableEnv.views],
      personalData: source[tableEnv.personalData],
      idempotency: source[tableEnv.idempotency],
      bucket: source[ENV.PV_BUCKET],
      cursorSecret: source[ENV.CURSOR_SECRET],
      dynamoEndpoint: source[ENV.DYNAMODB_ENDPOINT],
      s3Endpoint: source[ENV.S3_ENDPOINT],
      region: source.AWS_REGION,
    },
  );
  const dynamo = createDynamoClient({ endpoint: env.dynamoEndpoint });
  const s3 = createS3Client({ endpoint: env.s3Endpoint });
  const vault = new PvVault(s3, env.bucket);
  const uploadOrigin = env.s3Endpoint ? new URL(env.s3Endpoint).origin : `https://${env.bucket}.s3.${env.region ?? 'eu-west-3'}.amazonaws.com`;
  return {
    deps: {
      store: new DynamoEventStore({ client: dynamo, tables: { events: env.events, history: env.history, idempotency: env.idempotency }, cursorSecret: env.cursorSecret }),
      views: new DynamoViews(dynamo, env.views),
      personalData: new DynamoPersonalDataStore(dynamo, env.personalData),
      pvUploads: { presign: (request) => vault.presignUpload(request) },
      clock: systemClock,
      settings: defaultSettings,
      titres: defaultTitres,
      directory: loadDirectory(source),
    },
    idempotency: new DynamoIdempotencyStore(dynamo, env.idempotency),
    verify: tokenVerifierFromEnv(source),
    uploadOrigin,
  };
};
