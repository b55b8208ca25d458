import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromItem, toKey } from '../aws/attributes.js';

/**
 * The DynamoDB attributes of a commit item, built directly for the three types a commit holds
 * (every append writes one): a string, a number, a string set; narrower than `toItem`
 * (shared/aws/attributes.ts) on purpose. Attributes left
 * undefined are left out; any other type is refused: a commit holds none, and one would be a bug.
 */
export const commitItemValues = (item: Readonly<Record<string, unknown>>): Record<string, AttributeValue> => {
  const values: Record<string, AttributeValue> = {};
  for (const name in item) {
    const value = item[name];
    if (typeof value === 'string') values[name] = { S: value };
    else if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) values[name] = { N: String(value) };
    else if (value instanceof Set && value.size > 0 && [...value].every((member) => typeof member === 'string')) values[name] = { SS: [...(value as Set<string>)] };
    else if (value !== undefined) throw new TypeError(`Commit attribute ${name}: a string, a number within the safe integers or a non-empty set of strings is expected`);
  }
  return values;
};

/**
 * Every commit item of a stream, as stored (unmarshalled, not validated), page by page with a
 * consistent read: what the store folds, the chain verifier checks and the integrity check hashes.
 * `attributes` limits what is read (the store folding a stream needs neither the scope nor the
 * previous hash); the chain needs every attribute. Throttling is retried by the SDK client
 * (shared/aws/options.ts), not here.
 */
export const readRawCommits = async (
  client: DynamoDBClient,
  tableName: string,
  streamId: string,
  attributes?: readonly string[],
  /** Only the commits after this one (a reader that holds commits 1..n already). */
  afterCommit = 0,
): Promise<Record<string, unknown>[]> => {
  const projection = attributes
    ? { ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '), ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])) }
    : {};
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const output = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: afterCommit > 0 ? 'pk = :pk AND sk > :after' : 'pk = :pk',
        ExpressionAttributeValues: toKey(afterCommit > 0 ? { ':pk': streamId, ':after': afterCommit } : { ':pk': streamId }),
        ConsistentRead: true,
        ...projection,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const raw of output.Items ?? []) items.push(fromItem(raw));
    startKey = output.LastEvaluatedKey;
  } while (startKey);
  return items;
};

/**
 * The version a stream holds now (its last commit's `lastVersion`, 0 for none): one consistent
 * Query of one item and one attribute, for a reader that only checks whether a stream moved.
 */
export const readStreamVersion = async (client: DynamoDBClient, tableName: string, streamId: string): Promise<number> => {
  const output = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: toKey({ ':pk': streamId }),
      ProjectionExpression: 'lastVersion',
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const last = output.Items?.[0];
  return last ? (fromItem(last) as { lastVersion: number }).lastVersion : 0;
};
