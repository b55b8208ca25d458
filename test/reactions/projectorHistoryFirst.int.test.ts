import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableEnv } from '../../shared/platform/env.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { sessionCreated } from './fixtures.js';
import { append, batchOf, eventStoreOn, lambdaEnvOn, streamRecords } from './support.js';

/*
 * The projector's commit reaches the history index even when its view cannot be written: the
 * integrity digest and the retention purge read the history index only, so a commit left out of it
 * (its record stuck in the stream DLQ) would be neither digested nor purged.
 */

let dynamo: LocalDynamo;
let handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;
const context = { awsRequestId: 'history-first', functionName: 'projector', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

beforeAll(async () => {
  dynamo = await startDynalite('history-first');
  // The real handler, as its Lambda gets it, but with a views table that does not exist: every projection fails.
  Object.assign(process.env, { ...lambdaEnvOn(dynamo), [tableEnv.views]: 'no-such-views-table' });
  ({ handler } = (await import('../../functions/projector/handler.js')) as unknown as { handler: typeof handler });
}, 60_000);

afterAll(() => dynamo.stop());

describe('the projector, when a view cannot be written', () => {
  it('indexes the commit’s history first, then reports the record for retry', async () => {
    await append(eventStoreOn(dynamo), 'session-ses_hist', 0, [sessionCreated('ses_hist')]);
    const records = await streamRecords(dynamo.client, dynamo.tables.events);

    const response = await handler(batchOf(records), context);

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([records[0]?.dynamodb?.SequenceNumber]);
    const history = (await dynamo.client.send(new ScanCommand({ TableName: dynamo.tables.history }))).Items ?? [];
    expect(history.map((item) => item.streamId?.S)).toEqual(['session-ses_hist']);
  });
});
