import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import type { Endpoints } from '../platform/config.js';
import { DynamoCommitSource, S3DigestArchive } from './adapters.js';

/**
 * The digest's adapters from the environment (read once, at cold start): `EVENTS_TABLE_NAME`,
 * `HISTORY_TABLE_NAME`, `PV_BUCKET_NAME`, and offline the emulator endpoints.
 */
export const integrityOf = ({
  tables,
  buckets,
  endpoints,
}: {
  readonly tables: { readonly events: string; readonly history: string };
  readonly buckets: { readonly vault: string };
  readonly endpoints: Endpoints;
}) => {
  return {
    commits: new DynamoCommitSource(createDynamoClient({ endpoint: endpoints.dynamodb }), tables),
    archive: new S3DigestArchive(createS3Client({ endpoint: endpoints.s3 }), buckets.vault),
  };
};
