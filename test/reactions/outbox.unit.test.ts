import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../shared/mail/model.js';
import { DynamoOutbox } from '../../shared/mail/outbox.js';
import { tables } from '../../shared/platform/tables.js';

/**
 * How the outbox keeps its `deadLetters` index (`deadKey`) in step with each transition, checked on
 * the commands it sends: claimed → `sending`, sent → removed, dead → `dead`, taken over or revived →
 * `sending` again. The same transitions against dynalite are in mailSweep.int.test.ts.
 */
const dynamo = mockClient(DynamoDBClient);
const TABLE = 'test-tp-outbox';
const LEASE_MS = 5 * 60_000;
const outbox = () => new DynamoOutbox(new DynamoDBClient({ region: 'eu-west-3' }), TABLE, { leaseMs: LEASE_MS });
const t0 = new Date('2027-03-01T06:00:00.000Z');

const mail: OutgoingMail = {
  id: 'evt-1:pv-rejected:centre#ctr_lyon-1',
  kind: 'pv-rejected',
  causeId: 'evt-1',
  to: { key: 'centre#ctr_lyon-1', email: 'centre@example.org', name: 'Centre' },
  subject: 'Procès-verbal rejeté',
  text: 'Bonjour',
  html: '<p>Bonjour</p>',
  attachments: [],
};

const stored = (status: string, claimedAt: string, extra: Record<string, { S: string }> = {}) => ({
  Item: { pk: { S: mail.id }, status: { S: status }, attempts: { N: '1' }, claimedAt: { S: claimedAt }, mail: { S: JSON.stringify(mail) }, ...extra },
});
const taken = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => dynamo.reset());

describe('outbox index of claimed and dead mails', () => {
  it('keeps the index the sweeper reads in the shared table declaration (sparse deadKey, sorted by mail id)', () => {
    expect(tables.outbox.globalIndexes).toContainEqual({ name: 'deadLetters', partitionKey: { name: 'deadKey', type: 'S' }, sortKey: { name: 'pk', type: 'S' } });
  });

  it('given a new mail, when claimed, then the item is written sending with deadKey sending, only if absent', async () => {
    dynamo.on(PutItemCommand).resolves({});

    expect(await outbox().claim(mail, t0)).toEqual({ outcome: 'claimed', attempts: 1 });

    const [put] = dynamo.commandCalls(PutItemCommand);
    expect(put?.args[0].input).toMatchObject({
      TableName: TABLE,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: { S: mail.id }, status: { S: 'sending' }, deadKey: { S: 'sending' }, claimedAt: { S: t0.toISOString() } },
    });
  });

  it('given a claim older than the lease, when claimed again, then it is taken over with deadKey sending, conditioned on the old claim time', async () => {
    const old = new Date(t0.getTime() - LEASE_MS - 1).toISOString();
    dynamo.on(PutItemCommand).rejects(taken());
    dynamo.on(GetItemCommand).resolves(stored('sending', old, { deadKey: { S: 'sending' } }));
    dynamo.on(UpdateItemCommand).resolves({ Attributes: { attempts: { N: '2' } } });

    expect(await outbox().claim(mail, t0)).toEqual({ outcome: 'claimed', attempts: 2 });

    const [update] = dynamo.commandCalls(UpdateItemCommand);
    const input = update?.args[0].input;
    expect(input?.UpdateExpression).toMatch(/deadKey = :sending/);
    expect(input?.UpdateExpression).not.toMatch(/REMOVE deadKey/);
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':sending': { S: 'sending' }, ':was': { S: 'sending' }, ':claimed': { S: old }, ':now': { S: t0.toISOString() } });
    expect(input?.ConditionExpression).toContain('claimedAt = :claimed');
  });

  it('given a claim younger than the lease, when claimed again, then it is in flight and nothing is written', async () => {
    dynamo.on(PutItemCommand).rejects(taken());
    dynamo.on(GetItemCommand).resolves(stored('sending', new Date(t0.getTime() - LEASE_MS + 60_000).toISOString()));

    expect(await outbox().claim(mail, t0)).toEqual({ outcome: 'in-flight' });
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('given a sent mail, when claimed again, long after, then it is already sent and nothing is written', async () => {
    dynamo.on(PutItemCommand).rejects(taken());
    dynamo.on(GetItemCommand).resolves(stored('sent', '2026-01-01T00:00:00.000Z'));

    expect(await outbox().claim(mail, t0)).toEqual({ outcome: 'already-sent' });
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('given a dead mail, when revived, then it moves from the dead list to the claimed one (deadKey sending)', async () => {
    dynamo.on(PutItemCommand).rejects(taken());
    dynamo.on(GetItemCommand).resolves(stored('dead', t0.toISOString(), { deadKey: { S: 'dead' } }));
    dynamo.on(UpdateItemCommand).resolves({ Attributes: { attempts: { N: '2' } } });

    expect(await outbox().claim(mail, t0, { revive: true })).toEqual({ outcome: 'claimed', attempts: 2 });
    const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toMatch(/deadKey = :sending/);
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':was': { S: 'dead' } });
  });

  it('when a mail is marked sent, then deadKey is removed (it leaves the index); when marked dead, then deadKey becomes dead', async () => {
    dynamo.on(UpdateItemCommand).resolves({});

    await outbox().markSent(mail.id, 'ses-1', t0);
    await outbox().markDead(mail.id, 1, 'BadRequestException: refused', t0);

    const [sent, dead] = dynamo.commandCalls(UpdateItemCommand).map((call) => call.args[0].input);
    expect(sent?.UpdateExpression).toMatch(/REMOVE deadKey/);
    expect(sent?.ExpressionAttributeValues).toMatchObject({ ':sent': { S: 'sent' } });
    expect(dead?.UpdateExpression).toMatch(/deadKey = :dead/);
    expect(dead?.ExpressionAttributeValues).toMatchObject({ ':dead': { S: 'dead' }, ':sending': { S: 'sending' }, ':claim': { N: '1' } });
    expect(dead?.ConditionExpression).toBe('#s = :sending AND attempts = :claim');
  });

  it('given the claim was taken over (the condition fails), when a mail is marked dead, then it answers false and nothing else is sent', async () => {
    dynamo.on(UpdateItemCommand).rejects(taken());

    expect(await outbox().markDead(mail.id, 1, 'MessageRejected: late', t0)).toBe(false);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(1);
  });

  it('when listing stale claims, then it queries the index under deadKey sending for claims before now minus the lease, page by page, and keeps only sending items', async () => {
    const old = new Date(t0.getTime() - LEASE_MS - 60_000).toISOString();
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [stored('sending', old).Item], LastEvaluatedKey: { deadKey: { S: 'sending' }, pk: { S: mail.id } } })
      // The index lags the table: an item already sent may still be listed; it is left out.
      .resolvesOnce({ Items: [stored('sent', old).Item] });

    const first = await outbox().listStaleClaims(t0, { limit: 25 });
    const second = await outbox().listStaleClaims(t0, { limit: 25, ...(first.next ? { cursor: first.next } : {}) });

    expect(first.entries.map((entry) => entry.mail)).toEqual([mail]);
    expect(first.next).toEqual({ deadKey: { S: 'sending' }, pk: { S: mail.id } });
    expect(second).toEqual({ entries: [] });
    const [query1, query2] = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(query1).toMatchObject({
      TableName: TABLE,
      IndexName: 'deadLetters',
      KeyConditionExpression: 'deadKey = :claimed',
      ExpressionAttributeValues: { ':claimed': { S: 'sending' }, ':cutoff': { S: new Date(t0.getTime() - LEASE_MS).toISOString() } },
      Limit: 25,
    });
    expect(query1?.FilterExpression).toContain('claimedAt < :cutoff');
    expect(query1?.ExclusiveStartKey).toBeUndefined();
    expect(query2?.ExclusiveStartKey).toEqual({ deadKey: { S: 'sending' }, pk: { S: mail.id } });
  });
});
