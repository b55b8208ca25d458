import { createDynamoClient } from '../aws/dynamo.js';
import { tokenVerifierOf } from '../auth/verify.js';
import { DynamoChainVerifier } from '../eventStore/chain.js';
import { DynamoEventStore } from '../eventStore/dynamoEventStore.js';
import { HistoryIndexReader } from '../eventStore/historyIndex.js';
import { DynamoPersonalDataStore } from '../personalData/store.js';
import { ConfigurationError, type AuthConfig, type Endpoints } from '../platform/config.js';
import { onFirstUse } from '../platform/lazy.js';
import type { HistoryHttpOptions } from './http.js';
import { readRetentionSettings, RETENTION_ENV } from '../retention/purge.js';
import { HistoryService, type DocumentLinks } from './service.js';

/**
 * The composition root of the history function: reads the environment once (a missing variable
 * fails the cold start naming it) and builds the store's parts it reads, the PV links and the
 * token check: streams and their chain from `events` (timelines), the index from `history` (searches);
 * the timeline reads names from `personalData`, with the reader's rights. The cursor key comes from
 * Secrets Manager (functions/history/handler.ts), never from the environment. `RETENTION_PV_DAYS`
 * (the purge's period, its default when unset) tells which PV files the purge has deleted.
 */
export const wireHistory = (
  config: {
    readonly tables: { readonly events: string; readonly history: string; readonly personalData: string };
    readonly buckets: { readonly vault: string };
    readonly endpoints: Endpoints;
    readonly auth: AuthConfig;
    readonly env: NodeJS.ProcessEnv;
  },
  cursorSecret: string,
): HistoryHttpOptions => {
  const { tables, endpoints } = config;
  const retention = readRetentionSettings({ pvDays: config.env[RETENTION_ENV.pvDays] });
  if (retention.invalid.length > 0) throw new ConfigurationError(`Missing or invalid environment variables: ${RETENTION_ENV.pvDays}`);
  const dynamo = createDynamoClient({ endpoint: endpoints.dynamodb });
  const streams = new DynamoEventStore({ client: dynamo, tables });
  const index = new HistoryIndexReader({ client: dynamo, tables, cursorSecret });
  const chain = new DynamoChainVerifier({ client: dynamo, tables });
  // The S3 client and the presigner load with the first PV file a reader downloads.
  const links = onFirstUse(async () => {
    const [{ createS3Client }, { S3DocumentLinks }] = await Promise.all([import('../aws/s3.js'), import('./documentLinks.js')]);
    return new S3DocumentLinks(createS3Client({ endpoint: endpoints.s3 }), config.buckets.vault);
  });
  const documents: DocumentLinks = { linkFor: async (objectKey, versionId) => (await links()).linkFor(objectKey, versionId) };
  const store = {
    readStream: streams.readStream.bind(streams),
    history: index.history.bind(index),
    verify: chain.verify.bind(chain),
  };
  return {
    service: new HistoryService({
      store,
      cursorSecret,
      documents,
      pvKeptDays: retention.settings.pvDays,
      people: new DynamoPersonalDataStore(dynamo, tables.personalData),
    }),
    verify: tokenVerifierOf(config.auth),
  };
};
