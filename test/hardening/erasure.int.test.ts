import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { DeleteItemCommand, DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { indexedStore } from '../support/indexedStore.js';
import { call, startHardeningRuntime, type HardeningRuntime } from './support/runtime.js';

/**
 * A candidate's data erased at their request, on the offline runtime (real functions, real JWT
 * checks, the real SDK against dynalite and the SES emulator): a foreign centre, the UD or a missing
 * confirmation writes nothing; the centre's erasure removes identity and adaptation, records one
 * event in the history and leaves the hash chain whole, even when the store fails the first time;
 * a convocation to the erased candidate is parked for want of an address, without a failure.
 */

const LEA = { lastName: 'Erasmé', firstName: 'Léa', birthDate: '1990-03-12', email: 'lea.erasme@example.org' };
const HUGO = { lastName: 'Gardé', firstName: 'Hugo', birthDate: '1988-07-21', email: 'hugo.garde@example.org' };
const ADAPTATION = 'Tiers temps et salle au rez-de-chaussée';

let h: HardeningRuntime;
let dynamo: DynamoDBClient;
let url: string;
let centre: string;
let sessionId: string;
let lea: string;
let hugo: string;

/** Fails the next deletions in the personal-data table, as a DynamoDB outage after the SDK's retries would. */
let failPersonalDataDeletes = 0;
const originalSend = DynamoDBClient.prototype.send;

const scanAll = async (table: string) => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items.map((item) => JSON.stringify(item)).sort();
};
/** What a refused request must leave untouched: the event log (which also keeps the idempotency keys), the personal data. */
const snapshot = async () => ({
  events: await scanAll(h.runtime.tables.events),
  personalData: await scanAll(h.runtime.tables.personalData),
});
const personalItemsOf = async (candidateId: string) =>
  (
    await dynamo.send(
      new QueryCommand({
        TableName: h.runtime.tables.personalData,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: marshall({ ':pk': candidateId }),
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const erasure = (candidateId: string) => `/api/sessions/${sessionId}/candidates/${candidateId}/erasure`;

beforeAll(async () => {
  DynamoDBClient.prototype.send = function (this: DynamoDBClient, ...args: Parameters<DynamoDBClient['send']>) {
    const [command] = args;
    if (failPersonalDataDeletes > 0 && command instanceof DeleteItemCommand && command.input.TableName === h.runtime.tables.personalData) {
      failPersonalDataDeletes -= 1;
      return Promise.reject(
        Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded.'), { name: 'ProvisionedThroughputExceededException' }),
      );
    }
    return (originalSend as (...a: unknown[]) => Promise<unknown>).apply(this, args);
  } as DynamoDBClient['send'];
  h = await startHardeningRuntime();
  dynamo = createDynamoClient({ endpoint: h.runtime.urls.dynamodb, maxAttempts: 2 });
  url = h.runtime.urls.app;
  centre = await h.runtime.signIn('centre');
  const created = await call(url, centre, 'POST', '/api/sessions', {
    ceresReference: 'CERES-2027-0099',
    titreCode: 'RNCP37674',
    startDate: '2027-06-07',
    endDate: '2027-06-09',
    site: 'Lyon 7e',
    candidates: [LEA, HUGO],
  });
  expect(created.status, created.text).toBe(201);
  sessionId = String(created.json.sessionId);
  await h.runtime.drain();
  const view = await call(url, centre, 'GET', `/api/sessions/${sessionId}`);
  [lea = '', hugo = ''] = (view.json.session as { candidateIds: string[] }).candidateIds;
  const granted = await call(url, centre, 'POST', `/api/sessions/${sessionId}/accommodations`, { candidateId: lea, adaptation: ADAPTATION });
  expect(granted.status, granted.text).toBe(200);
  await h.runtime.drain();
}, 120_000);

afterAll(async () => {
  DynamoDBClient.prototype.send = originalSend;
  await h?.stop();
});

describe('erasing a candidate’s personal data at their request, over HTTP', () => {
  it('given another centre, the UD, or no confirmation, the request is refused and nothing is written', async () => {
    const before = await snapshot();
    const foreign = await call(url, await h.runtime.signIn('centre2'), 'POST', erasure(lea), { confirmed: true });
    expect([403, 404], foreign.text).toContain(foreign.status);
    const ud = await call(url, await h.runtime.signIn('ud'), 'POST', erasure(lea), { confirmed: true });
    expect(ud.status, ud.text).toBe(403);
    for (const body of [{}, { confirmed: false }]) {
      const unconfirmed = await call(url, centre, 'POST', erasure(lea), body);
      expect(unconfirmed.status, unconfirmed.text).toBe(400);
      const fields = (unconfirmed.json.error as { fields: { field: string; message: string }[] }).fields;
      expect(fields).toEqual([{ field: 'confirmed', message: 'Cochez la case pour confirmer l’effacement : il est définitif.' }]);
    }
    await h.runtime.drain();
    expect(await snapshot()).toEqual(before);
    expect(await personalItemsOf(lea)).toHaveLength(2);
  });

  it('given the personal-data table fails the first erasure, when the centre retries with the same key, then identity and adaptation are gone, one event is in the history and the chain verifies', async () => {
    const key = randomUUID();
    failPersonalDataDeletes = 1;
    const failed = await call(url, centre, 'POST', erasure(lea), { confirmed: true }, { 'idempotency-key': key });
    expect(failed.status, failed.text).toBe(500);
    expect(failPersonalDataDeletes).toBe(0);
    expect(await personalItemsOf(lea)).not.toHaveLength(0);

    const retried = await call(url, centre, 'POST', erasure(lea), { confirmed: true }, { 'idempotency-key': key });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json).toMatchObject({ candidateId: lea });
    expect(retried.headers.get('idempotent-replayed')).toBe('true');

    expect(await personalItemsOf(lea)).toEqual([]);
    expect(await personalItemsOf(hugo)).toHaveLength(1);
    const store = indexedStore({ client: dynamo, tables: h.runtime.tables });
    const { events } = await store.readStream(`session-${sessionId}`);
    expect(events.filter((event) => event.type === 'CandidatePersonalDataErased').map((event) => event.data)).toEqual([
      { sessionId, candidateId: lea, ground: 'demande-du-candidat' },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/Erasmé|lea\.erasme|Tiers temps/);
    expect(await store.verify(`session-${sessionId}`)).toMatchObject({ ok: true });

    await h.runtime.drain();
    const history = await call(url, centre, 'GET', `/api/history?sessionId=${sessionId}&type=CandidatePersonalDataErased`);
    expect(history.status, history.text).toBe(200);
    expect(JSON.stringify(history.json)).toContain(`"candidateId":"${lea}"`);
    expect(history.text.match(/"type":"CandidatePersonalDataErased"/g)).toHaveLength(1);
  });

  it('given the candidate erased, candidate convocations reach the other candidate, and the erased one’s mail is parked for want of an address, with no failed delivery', async () => {
    const convoked = await call(url, centre, 'POST', `/api/sessions/${sessionId}/convocations`, { audience: 'candidates' });
    expect(convoked.status, convoked.text).toBe(200);
    await h.runtime.drain();

    const mailbox = JSON.stringify(await fetch(`${h.runtime.urls.ses}/store`).then((response) => response.json()));
    expect(mailbox).toContain(HUGO.email);
    expect(mailbox).not.toContain(LEA.email);
    const parked = (await scanAll(h.runtime.tables.outbox))
      .map((item) => JSON.parse(item) as { status: string; mail: string; lastError?: string })
      .filter((item) => item.mail.includes(`candidate#${lea}`));
    expect(parked.map((item) => item.status)).toEqual(['dead']);
    expect(await readdir(h.runtime.deadLetterDir).catch(() => [])).toEqual([]);
  });
});
