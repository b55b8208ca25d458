import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { demoAgrements } from '../../infra/offline/demo/agrements.js';
import { defaultSettings } from '../../shared/domain/decider.js';
import { sampleCatalogue } from '../support/titres.js';
import { Directory } from '../../shared/directory/directory.js';
import { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { createApiHandler } from '../../shared/http/api.js';
import type { HttpResponse } from '../../shared/http/event.js';
import type { AppDeps } from '../../shared/application/useCase.js';
import { movableClock } from '../web/support/clock.js';
import { DynamoPersonalDataStore } from '../../shared/personalData/store.js';
import { DynamoViews } from '../../shared/views/index.js';
import { Projector } from '../../shared/views/projector.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { FakePvUploads } from '../web/support/memory.js';
import { freshKey, httpEvent, testVerifier, type UserHandle } from '../web/support/app.js';
import { newJurorInput } from '../web/support/scenario.js';

/**
 * How many DynamoDB calls a typical command costs, through the API's operations on the adapters
 * the HTTP wiring builds (shared/http/wiring.ts), against dynalite. A middleware on the client
 * records every command sent with its table. The views are projected between commands, as the
 * stream consumer does, outside the count.
 */
let local: LocalDynamo;
let api: ReturnType<typeof createApiHandler>;
let projector: Projector;
let store: DynamoEventStore;
const clock = movableClock('2027-01-10T09:00:00.000Z');
let counting = false;
const logicalName = new Map<string, string>();
const sent: string[] = [];
/** When each counted call started and ended: calls in flight together share one round trip. */
const spans: { start: number; end: number }[] = [];

/** Round trips: a call that starts after every call started before it has ended waits for them. */
const roundTripsOf = (recorded: readonly { start: number; end: number }[]): number => {
  let trips = 0;
  let horizon = Number.NEGATIVE_INFINITY;
  for (const { start, end } of [...recorded].sort((a, b) => a.start - b.start)) {
    if (start >= horizon) trips += 1;
    horizon = Math.max(horizon, end);
  }
  return trips;
};

beforeAll(async () => {
  local = await startDynalite('calls');
  for (const [logical, physical] of Object.entries(local.tables)) logicalName.set(physical, logical);
  local.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      const table = input.TableName ?? Object.keys(input.RequestItems ?? {})[0] ?? '';
      if (!counting) return next(args);
      sent.push(`${String(context.commandName).replace(/Command$/, '')} ${logicalName.get(table) ?? table}`);
      const span = { start: performance.now(), end: Number.POSITIVE_INFINITY };
      spans.push(span);
      try {
        return await next(args);
      } finally {
        span.end = performance.now();
      }
    },
    { step: 'initialize', name: 'countCalls' },
  );
  store = new DynamoEventStore({ client: local.client, tables: local.tables });
  const views = new DynamoViews(local.client, local.tables.views);
  const deps: AppDeps = {
    store,
    views,
    personalData: new DynamoPersonalDataStore(local.client, local.tables.personalData),
    pvUploads: new FakePvUploads(),
    clock,
    settings: defaultSettings,
    titres: sampleCatalogue,
    directory: new Directory(),
  };
  api = createApiHandler({ deps, verify: testVerifier });
  projector = new Projector(views, new DynamoEventStore({ client: local.client, tables: local.tables }));
}, 60_000);
afterAll(async () => {
  await local.stop();
});

/** One API write, counted, then projected (uncounted) so that the next command finds its view. */
const command = async (as: UserHandle, path: string, body: unknown, key = freshKey()): Promise<{ response: HttpResponse; calls: string[]; roundTrips: number }> => {
  sent.length = 0;
  spans.length = 0;
  counting = true;
  const response = await api(httpEvent({ method: 'POST', path, as, headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) }));
  counting = false;
  const calls = [...sent];
  const roundTrips = roundTripsOf(spans);
  if (response.statusCode < 300) {
    const parsed = JSON.parse(response.body) as { sessionId?: string; jurorId?: string; centreId?: string };
    const streamId = parsed.sessionId ? `session-${parsed.sessionId}` : parsed.centreId ? `agrement-${parsed.centreId}` : `juror-${parsed.jurorId}`;
    const { events } = await store.readStream(streamId);
    await projector.apply(events as StoredEvent[]);
  }
  return { response, calls, roundTrips };
};

const bodyOf = (response: HttpResponse) => JSON.parse(response.body) as Record<string, unknown>;

describe('DynamoDB calls per command, through the API', () => {
  let sessionId = '';
  let candidateIds: string[] = [];
  const jurorIds: string[] = [];

  it('creating a session costs four calls in three round trips: the stream read with the agrément’s stream, the candidates’ names with the centre’s contact, the commit', async () => {
    const [lyon] = demoAgrements;
    expect((await command('region', '/api/agrements', lyon)).response.statusCode).toBe(201);
    for (const name of ['Dupont', 'Moreau']) {
      const { response } = await command('ud', '/api/jurors', newJurorInput(name));
      expect(response.statusCode, response.body).toBe(201);
      jurorIds.push(String(bodyOf(response).jurorId));
    }
    const key = freshKey();
    const input = {
      ceresReference: 'CERES-2027-0042',
      titreCode: 'RNCP37674',
      startDate: '2027-06-07',
      endDate: '2027-06-09',
      site: 'Lyon 7e',
      candidates: [
        { lastName: 'Martin', firstName: 'Léa', birthDate: '1990-03-12' },
        { lastName: 'Petit', firstName: 'Hugo', birthDate: '1988-07-21' },
      ],
    };
    const { response, calls, roundTrips } = await command('centre', '/api/sessions', input, key);
    expect(response.statusCode, response.body).toBe(201);
    expect(calls).toEqual(['Query events', 'Query events', 'BatchWriteItem personalData', 'PutItem events']);
    // The two reads (the session's stream, the agrément's) go together: three round trips.
    expect(roundTrips).toBe(3);
    // The one write of personal data held the session manager's mailbox, now the centre's.
    const contact = await local.client.send(new GetItemCommand({ TableName: local.tables.personalData, Key: marshall({ pk: lyon?.centreId, sk: 'contact' }) }));
    expect(unmarshall(contact.Item ?? {})).toMatchObject({ email: 'sessions@lyon-formation.example' });
    sessionId = String(bodyOf(response).sessionId);
    candidateIds = ((await store.readStream(`session-${sessionId}`)).events[0]?.data as { candidateIds: string[] }).candidateIds;

    // Its retry: the read finds the commit, the first answer goes back; nothing is written. The
    // agrément's read, started alongside, is dropped: two calls, one round trip.
    const retry = await command('centre', '/api/sessions', input, key);
    expect(retry.response.body).toBe(response.body);
    expect(retry.calls).toEqual(['Query events', 'Query events']);
    expect(retry.roundTrips).toBe(1);
  });

  it('a session the domain refuses costs its two reads and writes nothing: no name is stored for a session that does not exist', async () => {
    const input = {
      ceresReference: 'CERES-2027-0043',
      titreCode: 'RNCP37674',
      startDate: '2027-06-07',
      endDate: '2027-06-09',
      site: 'Marseille',
      candidates: [{ lastName: 'Orphelin', firstName: 'Jamais', birthDate: '1991-01-01' }],
    };
    // The bare handler lets the refusal out (the platform edge turns it into the 422).
    await expect(command('centre', '/api/sessions', input)).rejects.toMatchObject({ category: 'rule', code: 'session.site-not-agreed' });
    counting = false;
    expect(sent).toEqual(['Query events', 'Query events']);
    expect(roundTripsOf(spans)).toBe(1);
  });

  it('signing the PV costs four calls in three round trips: the stream read (which the scope check folds the session from), the two jury members’ streams read together (their habilitations: one the UD withdrew stops the signature), the commit; its retry one read', async () => {
    for (const jurorId of jurorIds) expect((await command('centre', `/api/sessions/${sessionId}/jury`, { jurorId, tiedCandidateIds: [] })).response.statusCode).toBe(200);
    for (const audience of ['jurors', 'candidates']) expect((await command('centre', `/api/sessions/${sessionId}/convocations`, { audience })).response.statusCode).toBe(200);
    clock.set('2027-06-07T06:00:00.000Z');
    expect((await command('centre', `/api/sessions/${sessionId}/plateau`, { durationMinutes: 60, jurorIds, compliant: true })).response.statusCode).toBe(200);
    expect((await command('centre', `/api/sessions/${sessionId}/seals`, { presentCandidateIds: candidateIds, sealsIntact: true })).response.statusCode).toBe(200);
    clock.set('2027-06-09T16:00:00.000Z');

    const key = freshKey();
    const pv = {
      decisions: [
        { candidateId: candidateIds[0], decision: 'titre-obtenu', ccpObtained: [] },
        { candidateId: candidateIds[1], decision: 'reussite-partielle', ccpObtained: ['RNCP37674BC01'] },
      ],
      signatoryIds: jurorIds,
      documentSha256: 'ab'.repeat(32),
    };
    const { response, calls, roundTrips } = await command('centre', `/api/sessions/${sessionId}/pv`, pv, key);
    expect(response.statusCode, response.body).toBe(200);
    expect(calls).toEqual(['Query events', 'Query events', 'Query events', 'PutItem events']);
    expect(roundTrips).toBe(3);
    const retry = await command('centre', `/api/sessions/${sessionId}/pv`, pv, key);
    expect(retry.response.body).toBe(response.body);
    expect(retry.response.headers['idempotent-replayed']).toBe('true');
    expect(retry.calls).toEqual(['Query events']);
  });

  it('a session command from another centre costs the one stream read of its scope check, and answers as for an unknown session', async () => {
    await expect(command('centre2', `/api/sessions/${sessionId}/convocations`, { audience: 'jurors' })).rejects.toMatchObject({ code: 'session.not-found', category: 'not-found' });
    counting = false;
    expect(sent).toEqual(['Query events']);
  });
});
