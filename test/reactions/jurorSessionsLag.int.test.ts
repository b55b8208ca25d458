import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { plannerOf } from '../../shared/deadlineIndex/wiring.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import type { Clock } from '../../shared/platform/clock.js';
import { projectorOf } from '../../shared/views/wiring.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { sessionCreated } from './fixtures.js';
import { append, eventStoreOn } from './support.js';

/**
 * A juror's commit (a habilitation withdrawn) is planned for every session they sit in, found from
 * the items the projector writes for each juror of a jury. A global secondary index answers after a
 * lag: read through `byOwner`, a session whose items were written a moment before is missing, and
 * its habilitation deadline waits for the session's next commit. Here the index lags for good (its
 * queries answer nothing), as it does for a moment in AWS.
 */
let dynamo: LocalDynamo;
let store: DynamoEventStore;
const clock: Clock = { now: () => new Date('2027-01-10T08:00:00Z') };

/** A client to the same dynalite whose `byOwner` queries answer nothing yet, as a lagging index does. */
const laggingIndexClient = () => {
  const client = createDynamoClient({ endpoint: dynamo.endpoint });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { IndexName?: string };
      if (context.commandName === 'QueryCommand' && input.IndexName === 'byOwner') return { output: { Items: [], Count: 0, $metadata: {} }, response: {} } as never;
      return next(args);
    },
    { step: 'initialize', name: 'laggingIndex' },
  );
  return client;
};

const habilitated: DomainEvent = {
  type: 'JurorHabilitated',
  data: {
    jurorId: 'jur_lise',
    habilitationId: 'hab_lise',
    titreCode: 'RNCP37274',
    department: '69',
    validFrom: '2026-01-01',
    validUntil: '2028-12-31',
    professionalisationDate: '2025-11-01',
  },
};

beforeAll(async () => {
  dynamo = await startDynalite('juror-sessions-lag');
  store = eventStoreOn(dynamo, clock);
});
afterAll(() => dynamo.stop());

describe('a juror’s sessions, read by the due-date planner', () => {
  it('given a session’s jury just projected and the byOwner index not showing it yet, when the UD withdraws the juror’s habilitation, then the juror’s planner still finds the session and plans its habilitation deadline', async () => {
    const client = laggingIndexClient();
    await append(store, 'juror-jur_lise', 0, [habilitated]);
    const created = await append(store, 'session-ses_lag', 0, [sessionCreated('ses_lag', { late: false })]);
    const assigned = await append(store, 'session-ses_lag', 1, [{ type: 'JuryAssigned', data: { jurorId: 'jur_lise', habilitationId: 'hab_lise', tiedCandidateIds: [] } }]);
    // The projector writes the session's view and its juror's item; the session's own planner has not run.
    const projector = projectorOf(client, dynamo.tables);
    await projector.apply(created.events);
    await projector.apply(assigned.events);
    // The index does lag in this test: the pages' list of the juror's sessions is empty.
    const listed = await client.send(
      new QueryCommand({
        TableName: dynamo.tables.views,
        IndexName: 'byOwner',
        KeyConditionExpression: 'ownerKey = :o',
        ExpressionAttributeValues: { ':o': { S: 'jurorSessions#jur_lise' } },
      }),
    );
    expect(listed.Items).toEqual([]);

    const withdrawn = await append(store, 'juror-jur_lise', 1, [
      { type: 'HabilitationWithdrawn', data: { jurorId: 'jur_lise', habilitationId: 'hab_lise', withdrawnOn: '2027-01-10', reason: 'Manquement' } },
    ]);
    await plannerOf(client, dynamo.tables, clock).onCommit(withdrawn.events);

    const planned = await dynamo.client.send(
      new QueryCommand({
        TableName: dynamo.tables.deadlines,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'habilitations@session-ses_lag' } },
      }),
    );
    expect((planned.Items ?? []).length).toBeGreaterThan(0);
  });
});
