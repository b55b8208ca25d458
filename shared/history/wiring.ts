import * as z from 'zod';
import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import { tokenVerifierFromEnv } from '../auth/verify.js';
import { DynamoEventStore } from '../eventStore/dynamoEventStore.js';
import { ENV, readEnv, tableEnv } from '../platform/env.js';
import { S3DocumentLinks } from './documentLinks.js';
import type { HistoryHttpOptions } from './http.js';
import { HistoryService } from './service.js';

/**
 * The composition root of the history function: reads the environment once (a missing variable
 * fails the cold start naming it) and builds the store, the PV links and the token check.
 */
export const wireHistoryFromEnv = (source: NodeJS.ProcessEnv = process.env): HistoryHttpOptions => {
  const env = readEnv(
    {
      events: z.string().min(1),
      history: z.string().min(1),
      idempotency: z.string().min(1),
      bucket: z.string().min(1),
      cursorSecret: z.string().min(32),
      dynamoEndpoint: z.string().optional(),
      s3Endpoint: z.string().optional(),
    },
    {
      events: source[tableEnv.events],
      history: source[tableEnv.history],
      idempotency: source[tableEnv.idempotency],
      bucket: source[ENV.PV_BUCKET],
      cursorSecret: source[ENV.CURSOR_SECRET],
      dynamoEndpoint: source[ENV.DYNAMODB_ENDPOINT],
      s3Endpoint: source[ENV.S3_ENDPOINT],
    },
  );
  const dynamo = createDynamoClient({ endpoint: env.dynamoEndpoint });
  const s3 = createS3Client({ endpoint: env.s3Endpoint });
  const store = new DynamoEventStore({
    client: dynamo,
    tables: { events: env.events, history: env.history, idempotency: env.idempotency },
    cursorSecret: env.cursorSecret,
  });
  return {
    service: new HistoryService({ store, cursorSecret: env.cursorSecret, documents: new S3DocumentLinks(s3, env.bucket) }),
    verify: tokenVerifierFromEnv(source),
  };
};
