import * as z from 'zod';
import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import { ENV, readEnv, tableEnv } from '../platform/env.js';
import { DynamoCommitSource, S3DigestArchive } from './adapters.js';

const name = z.string().min(1);
const optional = z.string().min(1).optional();

/**
 * The digest's adapters from the environment (read once, at cold start): `EVENTS_TABLE_NAME`,
 * `HISTORY_TABLE_NAME`, `PV_BUCKET_NAME`, and offline the emulator endpoints.
 */
export const integrityFromEnv = (source: NodeJS.ProcessEnv = process.env) => {
  const env = readEnv(
    { events: name, history: name, bucket: name, dynamoEndpoint: optional, s3Endpoint: optional },
    {
      events: source[tableEnv.events],
      history: source[tableEnv.history],
      bucket: source[ENV.PV_BUCKET],
      dynamoEndpoint: source[ENV.DYNAMODB_ENDPOINT],
      s3Endpoint: source[ENV.S3_ENDPOINT],
    },
  );
  return {
    commits: new DynamoCommitSource(createDynamoClient({ endpoint: env.dynamoEndpoint }), { events: env.events, history: env.history }),
    archive: new S3DigestArchive(createS3Client({ endpoint: env.s3Endpoint }), env.bucket),
  };
};
