import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import { endpointsFromEnv, pvBucketFromEnv, tablesFromEnv } from '../platform/wiring.js';
import { DynamoCommitSource, S3DigestArchive } from './adapters.js';

/**
 * The digest's adapters from the environment (read once, at cold start): `EVENTS_TABLE_NAME`,
 * `HISTORY_TABLE_NAME`, `PV_BUCKET_NAME`, and offline the emulator endpoints.
 */
export const integrityFromEnv = (source: NodeJS.ProcessEnv = process.env) => {
  const tables = tablesFromEnv(['events', 'history'], source);
  const bucket = pvBucketFromEnv(source);
  const endpoints = endpointsFromEnv(source);
  return {
    commits: new DynamoCommitSource(createDynamoClient({ endpoint: endpoints.dynamodb }), tables),
    archive: new S3DigestArchive(createS3Client({ endpoint: endpoints.s3 }), bucket),
  };
};
