import { QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * Every commit item of a stream, as stored (unmarshalled, not validated), page by page with a
 * consistent read: what the store folds and what the integrity check hashes. `call` wraps each
 * query (the store's bounded backoff); by default the query is sent as is.
 */
export const readRawCommits = async (
  client: DynamoDBClient,
  tableName: string,
  streamId: string,
  call: (operation: () => Promise<QueryCommandOutput>) => Promise<QueryCommandOutput> = (operation) => operation(),
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const output = await call(() =>
      client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': streamId }),
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    );
    for (const raw of output.Items ?? []) items.push(unmarshall(raw));
    startKey = output.LastEvaluatedKey;
  } while (startKey);
  return items;
};
