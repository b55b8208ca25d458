import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore, EventType } from '@castore/core';
import {
  DynamoDBSingleTableEventStorageAdapter,
  EVENT_TABLE_EVENT_STORE_ID_KEY,
  EVENT_TABLE_INITIAL_EVENT_INDEX_NAME,
  EVENT_TABLE_PK,
  EVENT_TABLE_SK,
  EVENT_TABLE_TIMESTAMP_KEY,
} from '@castore/event-storage-adapter-dynamodb';

/**
 * What a user would pick instead of our store: castore's event store on its single-table DynamoDB
 * adapter. One item per event (pk = `<eventStoreId>#<aggregateId>`, sk = version), pushed with a
 * conditional PutItem, read with a paginated Query. Its table, with the GSI the adapter expects
 * for listing aggregates, is created here as castore documents it.
 */
export const createCastoreTable = async (client: DynamoDBClient, tableName: string) => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: EVENT_TABLE_PK, AttributeType: 'S' },
        { AttributeName: EVENT_TABLE_SK, AttributeType: 'N' },
        { AttributeName: EVENT_TABLE_EVENT_STORE_ID_KEY, AttributeType: 'S' },
        { AttributeName: EVENT_TABLE_TIMESTAMP_KEY, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: EVENT_TABLE_PK, KeyType: 'HASH' },
        { AttributeName: EVENT_TABLE_SK, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: EVENT_TABLE_INITIAL_EVENT_INDEX_NAME,
          KeySchema: [
            { AttributeName: EVENT_TABLE_EVENT_STORE_ID_KEY, KeyType: 'HASH' },
            { AttributeName: EVENT_TABLE_TIMESTAMP_KEY, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
};

const candidateRegistered = new EventType<'CandidateRegistered', { candidateId: string }, { actorId: string; correlationId: string }>({
  type: 'CandidateRegistered',
});

export const createCastoreStore = (client: DynamoDBClient, tableName: string) =>
  new EventStore({
    eventStoreId: 'SESSIONS',
    eventTypes: [candidateRegistered],
    reducer: (aggregate: { aggregateId: string; version: number; candidates: number } | undefined, event: { aggregateId: string; version: number }) => ({
      aggregateId: event.aggregateId,
      version: event.version,
      candidates: (aggregate?.candidates ?? 0) + 1,
    }),
    eventStorageAdapter: new DynamoDBSingleTableEventStorageAdapter({ tableName, dynamoDBClient: client }),
  });
