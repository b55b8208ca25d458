import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, type AttributeDefinition, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableNames, tables, type TableDefinition, type TableName } from './tables.js';

/** Physical table name for a stage or a test run: `<prefix>-tp-<logicalName>`. */
const physicalTableName = (prefix: string, table: TableName) => `${prefix}-tp-${table}`;

export type TableNameMap = Readonly<Record<TableName, string>>;

export const tableNameMap = (prefix: string): TableNameMap => Object.fromEntries(tableNames.map((name) => [name, physicalTableName(prefix, name)])) as Record<TableName, string>;

const attributeDefinitions = (definition: TableDefinition): AttributeDefinition[] => {
  const keys = [definition.partitionKey, definition.sortKey, ...definition.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  const unique = new Map<string, AttributeDefinition>();
  for (const key of keys) if (key) unique.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  return [...unique.values()];
};

/**
 * Creates the tables that are missing, from the same definitions the CDK stack uses. Offline only:
 * in AWS the stack owns the tables.
 */
export const ensureTables = async (client: DynamoDBClient, names: TableNameMap): Promise<void> => {
  for (const table of tableNames) {
    const definition = tables[table];
    const TableName = names[table];
    try {
      await client.send(new DescribeTableCommand({ TableName }));
      continue;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(definition),
        KeySchema: [
          { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
          ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        ...(definition.globalIndexes.length > 0
          ? {
              GlobalSecondaryIndexes: definition.globalIndexes.map((index) => ({
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
                  ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
                ],
                Projection: { ProjectionType: 'ALL' as const },
              })),
            }
          : {}),
      }),
    );
  }
};
