import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import { tokenVerifierOf } from '../auth/verify.js';
import { DynamoChainVerifier } from '../eventStore/chain.js';
import { DynamoEventStore } from '../eventStore/dynamoEventStore.js';
import { HistoryIndexReader } from '../eventStore/historyIndex.js';
import { DynamoPersonalDataStore } from '../personalData/store.js';
import type { AuthConfig, Endpoints } from '../platform/config.js';
import { S3DocumentLinks } from './documentLinks.js';
import type { HistoryHttpOptions } from './http.js';
import { HistoryService } from './service.js';

/**
 * The composition root of the history function: reads the environment once (a missing variable
 * fails the cold start naming it) and builds the store's parts it reads, the PV links and the
 * token check: streams and their chain from `events` (timelines), the index from `history` (searches);
 * the timeline reads names from `personalData`, with the reader's rights. The cursor key comes from
 * Secrets Manager (functions/history/handler.ts), never from the environment.
 */
export const wireHistory = (
  config: {
    readonly tables: { readonly events: string; readonly history: string; readonly personalData: string };
    readonly buckets: { readonly vault: string };
    readonly endpoints: Endpoints;
    readonly auth: AuthConfig;
  },
  cursorSecret: string,
): HistoryHttpOptions => {
  const { tables, endpoints } = config;
  const dynamo = createDynamoClient({ endpoint: endpoints.dynamodb });
  const streams = new DynamoEventStore({ client: dynamo, tables });
  const index = new HistoryIndexReader({ client: dynamo, tables, cursorSecret });
  const chain = new DynamoChainVerifier({ client: dynamo, tables });
  const store = {
    readStream: streams.readStream.bind(streams),
    history: index.history.bind(index),
    verify: chain.verify.bind(chain),
  };
  return {
    service: new HistoryService({
      store,
      cursorSecret,
      documents: new S3DocumentLinks(createS3Client({ endpoint: endpoints.s3 }), config.buckets.vault),
      people: new DynamoPersonalDataStore(dynamo, tables.personalData),
    }),
    verify: tokenVerifierOf(config.auth),
  };
};
