import { BatchWriteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { DynamoViews } from './dynamoViews.js';
import { Projector, type StreamSource } from './projector.js';

export interface RebuildProgress {
  readonly done: number;
  readonly total: number;
}

/**
 * Replays the whole event store into the views: empties the views table, lists every stream (a
 * Scan: this is an offline maintenance job, not a hot path), then folds each stream from its first
 * event with the same projector the stream uses. The result equals the live views.
 */
export const rebuildViews = async (options: {
  readonly client: DynamoDBClient;
  readonly eventsTable: string;
  readonly viewsTable: string;
  readonly views: DynamoViews;
  readonly store: StreamSource;
  readonly onProgress?: (progress: RebuildProgress) => void;
}): Promise<{ streams: number }> => {
  const { client } = options;
  await deleteAll(client, options.viewsTable);
  const streams = new Set<string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: options.eventsTable, ProjectionExpression: 'pk', ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const item of page.Items ?? []) if (item.pk?.S) streams.add(item.pk.S);
    start = page.LastEvaluatedKey;
  } while (start);

  const projector = new Projector(options.views, options.store);
  const ids = [...streams].sort();
  let done = 0;
  options.onProgress?.({ done, total: ids.length });
  for (const streamId of ids) {
    const { events } = await options.store.readStream(streamId);
    if (events.length > 0) await projector.apply(events);
    done += 1;
    options.onProgress?.({ done, total: ids.length });
  }
  return { streams: ids.length };
};

const deleteAll = async (client: DynamoDBClient, tableName: string) => {
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ProjectionExpression: 'pk, sk', ...(start ? { ExclusiveStartKey: start } : {}) }));
    const deletes: WriteRequest[] = (page.Items ?? []).map((item) => ({ DeleteRequest: { Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue } } }));
    for (let i = 0; i < deletes.length; i += 25) {
      let batch = deletes.slice(i, i + 25);
      while (batch.length > 0) {
        const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }));
        batch = result.UnprocessedItems?.[tableName] ?? [];
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
};

/** A one-line progress bar for a terminal: `[########------------]  40 %  2/5 flux`. */
export const progressBar = ({ done, total }: RebuildProgress, width = 30): string => {
  const ratio = total === 0 ? 1 : done / total;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)} %  ${done}/${total} flux`;
};
