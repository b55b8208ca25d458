import { GetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AggregateView, SessionView } from './model.js';
import type { ViewsReader } from './port.js';

/**
 * One aggregate's item in the views table (`pk` = its stream id, `sk` = `view`, the view as JSON in
 * `view`), read by key: the part of ./dynamoViews.ts a function needs when it only reads a view by
 * its id, as the deadline run does ({@link DynamoSessionViews}), without the lists, the writes and
 * their index keys (issue 16).
 */
export const VIEW_SK = 'view';

export const parseView = <T>(item: Record<string, AttributeValue> | undefined): T | undefined => (item?.view?.S ? (JSON.parse(item.view.S) as T) : undefined);

/** The view of a stream; `consistent` for the projector, which folds on what it read. */
export const readView = async (client: DynamoDBClient, tableName: string, streamId: string, consistent = false): Promise<AggregateView | undefined> => {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: streamId }, sk: { S: VIEW_SK } },
      ...(consistent ? { ConsistentRead: true } : {}),
      ProjectionExpression: '#v',
      ExpressionAttributeNames: { '#v': 'view' },
    }),
  );
  return parseView<AggregateView>(Item);
};

export const readSessionView = async (client: DynamoDBClient, tableName: string, sessionId: string): Promise<SessionView | undefined> => {
  const view = await readView(client, tableName, `session-${sessionId}`);
  return view?.kind === 'session' ? view : undefined;
};

/** The session views by id, and nothing else of the views table. */
export class DynamoSessionViews implements Pick<ViewsReader, 'getSessionView'> {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  getSessionView(sessionId: string): Promise<SessionView | undefined> {
    return readSessionView(this.client, this.tableName, sessionId);
  }
}
