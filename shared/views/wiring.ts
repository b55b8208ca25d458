import { createDynamoClient } from '../aws/dynamo.js';
import { streamReaderFromEnv } from '../eventStore/wiring.js';
import { endpointsFromEnv, tablesFromEnv } from '../platform/wiring.js';
import { DynamoViews } from './dynamoViews.js';
import { Projector } from './projector.js';

/**
 * Composition root of the projector: the views table and the stream reader, nothing else (no mail,
 * no S3), read once at cold start. Variables: `EVENTS_TABLE_NAME`, `VIEWS_TABLE_NAME`, and offline
 * `DYNAMODB_ENDPOINT`.
 */
export const projectorFromEnv = (source: NodeJS.ProcessEnv = process.env): Projector => {
  const { views } = tablesFromEnv(['views'], source);
  const dynamo = createDynamoClient({ endpoint: endpointsFromEnv(source).dynamodb });
  return new Projector(new DynamoViews(dynamo, views), streamReaderFromEnv(dynamo, source));
};
