import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent, EventScope } from '../../events/index.js';
import { AppError } from '../../shared/errors.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { DynamoViews } from '../../shared/views/dynamoViews.js';
import type { JurorSessionView, Page, SessionView } from '../../shared/views/model.js';
import type { JurorListOptions, RegionListOptions } from '../../shared/views/port.js';
import { Projector } from '../../shared/views/projector.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { append, eventStoreOn } from './support.js';

/*
 * The region's sessions and a juror's sessions, on dynalite through the real SDK: projected by
 * the projector from real commits, then read a page at a time through the indexes.
 */

let dynamo: LocalDynamo;
let views: DynamoViews;

interface Seed {
  readonly id: string;
  readonly centreId: string;
  readonly department: string;
  readonly region: string;
  readonly start: string;
  readonly then?: DomainEvent[][];
}

const created = (seed: Seed): DomainEvent => ({
  type: 'SessionCreated',
  data: {
    sessionId: seed.id,
    centreId: seed.centreId,
    department: seed.department,
    region: seed.region,
    ceresReference: `CERES-${seed.id}`,
    titreCode: 'RNCP37274',
    startDate: seed.start,
    endDate: seed.start,
    site: 'Salle 3',
    candidateIds: ['cand_alice'],
    createdOn: '2026-11-02',
    creationDeadline: '2026-11-15',
    late: false,
  },
});
const jury = (jurorId: string): DomainEvent => ({ type: 'JuryAssigned', data: { jurorId, habilitationId: `hab_${jurorId.slice(4)}`, tiedCandidateIds: [] } });
const cancel: DomainEvent = { type: 'SessionCancelled', data: { cancelledOn: '2027-01-05', reason: 'Plateau indisponible' } };

const lyon = { centreId: 'ctr_lyon-1', department: '69', region: '84' };
const grenoble = { centreId: 'ctr_grenoble-2', department: '38', region: '84' };
const marseille = { centreId: 'ctr_marseille-3', department: '13', region: '93' };
const dijon = { centreId: 'ctr_dijon-4', department: '21', region: '27' };

const seeds: Seed[] = [
  {
    id: 'ses_s1',
    ...lyon,
    start: '2027-03-15',
    then: [
      [jury('jur_anne')],
      [jury('jur_marc')],
      [{ type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: ['jur_anne', 'jur_marc'], sentOn: '2027-02-01', dueOn: '2027-02-28', late: false } }],
    ],
  },
  { id: 'ses_s2', ...lyon, start: '2027-04-12', then: [[cancel]] },
  { id: 'ses_s3', ...lyon, start: '2027-05-10', then: [[jury('jur_anne')]] },
  { id: 'ses_s4', ...lyon, start: '2027-09-13', then: [[jury('jur_anne')], [{ type: 'JurorUnassigned', data: { jurorId: 'jur_anne', reason: 'Indisponible' } }]] },
  { id: 'ses_g1', ...grenoble, start: '2027-06-14' },
  { id: 'ses_g2', ...grenoble, start: '2027-02-01', then: [[cancel]] },
  { id: 'ses_m1', ...marseille, start: '2027-05-03' },
  // Bourgogne-Franche-Comté: thirty sessions newer than its only cancelled one, more than one read of the index holds.
  ...Array.from({ length: 30 }, (_, i) => ({ id: `ses_d${i}`, ...dijon, start: `2027-07-${String(i + 1).padStart(2, '0')}` })),
  { id: 'ses_dx', ...dijon, start: '2027-06-01', then: [[cancel]] },
];

const seed = async (store: DynamoEventStore) => {
  const projector = new Projector(views, store);
  for (const session of seeds) {
    const streamId = `session-${session.id}`;
    const scope: EventScope = { centreId: session.centreId, department: session.department, region: session.region };
    let version = (await append(store, streamId, 0, [created(session)], scope)).version;
    for (const events of session.then ?? []) version = (await append(store, streamId, version, events, scope)).version;
    await projector.apply((await store.readStream(streamId)).events);
  }
};

beforeAll(async () => {
  dynamo = await startDynalite('views');
  views = new DynamoViews(dynamo.client, dynamo.tables.views);
  await seed(eventStoreOn(dynamo));
});
afterAll(() => dynamo.stop());

/** Reads every page of a list, returning the pages' sizes too. */
const allPages = async <T>(read: (cursor?: string) => Promise<Page<T>>) => {
  const items: T[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page += 1) {
    const result = await read(cursor);
    items.push(...result.items);
    sizes.push(result.items.length);
    cursor = result.nextCursor;
    if (!cursor) return { items, sizes };
  }
  throw new Error('the cursor never ended');
};

const regionIds = async (region: string, options: RegionListOptions = {}) =>
  (await allPages((cursor) => views.listSessionsOfRegion(region, { ...options, ...(cursor ? { cursor } : {}) }))).items.map((s: SessionView) => s.sessionId);
const jurorIds = async (jurorId: string, options: JurorListOptions) =>
  (await allPages((cursor) => views.listSessionsOfJuror(jurorId, { ...options, ...(cursor ? { cursor } : {}) }))).items.map((s: JurorSessionView) => s.sessionId);

const refusedCursor = async (read: Promise<unknown>) => {
  const error = await read.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: 'cursor.invalid', category: 'validation', fields: [{ field: 'cursor', message: 'Curseur invalide.' }] });
};

describe('sessions of a region', () => {
  it('lists every session of the region, newest start first, and none of another region', async () => {
    expect(await regionIds('84')).toEqual(['ses_s4', 'ses_g1', 'ses_s3', 'ses_s2', 'ses_s1', 'ses_g2']);
    expect(await regionIds('93')).toEqual(['ses_m1']);
    expect(await regionIds('11')).toEqual([]);
  });

  it('pages of two follow each other without a gap or a repeat', async () => {
    const { items, sizes } = await allPages((cursor) => views.listSessionsOfRegion('84', { limit: 2, ...(cursor ? { cursor } : {}) }));

    expect(items.map((s) => s.sessionId)).toEqual(['ses_s4', 'ses_g1', 'ses_s3', 'ses_s2', 'ses_s1', 'ses_g2']);
    expect(sizes.slice(0, 3)).toEqual([2, 2, 2]);
  });

  it('filters by department through its own index', async () => {
    expect(await regionIds('84', { department: '38' })).toEqual(['ses_g1', 'ses_g2']);
    expect(await regionIds('84', { department: '69', statuses: ['created'] })).toEqual(['ses_s4', 'ses_s3', 'ses_s1']);
  });

  it('filters by status with full pages: a page of one reads on past the sessions that do not match', async () => {
    const { items, sizes } = await allPages((cursor) => views.listSessionsOfRegion('84', { statuses: ['cancelled'], limit: 1, ...(cursor ? { cursor } : {}) }));

    expect(items.map((s) => s.sessionId)).toEqual(['ses_s2', 'ses_g2']);
    expect(sizes.slice(0, 2)).toEqual([1, 1]);
    expect(await regionIds('84', { statuses: ['pv-validated'] })).toEqual([]);
  });

  it('fills a filtered page even when the match lies past more sessions than one read of the index holds', async () => {
    const page = await views.listSessionsOfRegion('27', { statuses: ['cancelled'], limit: 1 });

    expect(page.items.map((s) => s.sessionId)).toEqual(['ses_dx']);
  });

  it('refuses a cursor from another region or another list, and a forged one, in French', async () => {
    const marseillePage = await views.listSessionsOfRegion('93', { limit: 1 });
    const grenoblePage = await views.listSessionsOfRegion('84', { department: '38', limit: 1 });

    await refusedCursor(views.listSessionsOfRegion('84', { cursor: marseillePage.nextCursor ?? 'missing' }));
    await refusedCursor(views.listSessionsOfRegion('84', { cursor: grenoblePage.nextCursor ?? 'missing' }));
    await refusedCursor(views.listSessionsOfRegion('84', { cursor: 'pas-un-curseur' }));
    // The right list, but not a key DynamoDB accepts to start from.
    const forged = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');
    await refusedCursor(views.listSessionsOfRegion('84', { cursor: forged({ regionKey: { S: 'region#84' }, regionSort: { S: '2027-05-10#ses_s3' } }) }));
    await refusedCursor(
      views.listSessionsOfRegion('84', { cursor: forged({ pk: { S: 'session-ses_s3' }, sk: { N: '1' }, regionKey: { S: 'region#84' }, regionSort: { S: '2027-05-10#ses_s3' } }) }),
    );
    // Each of these made DynamoDB answer a ValidationException (a 500 at the edge): empty key
    // values, a value of two types, a sort key past its 1,024 bytes.
    const key = { pk: { S: 'session-ses_s3' }, sk: { S: 'view' }, regionKey: { S: 'region#84' }, regionSort: { S: '2027-05-10#ses_s3' } };
    for (const broken of [
      { ...key, pk: { S: '' }, sk: { S: '' }, regionSort: { S: '' } },
      { ...key, pk: { S: 'session-ses_s3', N: '1' } },
      { ...key, regionSort: { S: `2027-05-10#${'x'.repeat(1100)}` } },
    ]) {
      await refusedCursor(views.listSessionsOfRegion('84', { cursor: forged(broken) }));
    }
  });
});

describe('the other lists, read the same way', () => {
  it('page a centre’s and a department’s sessions, and refuse a forged cursor instead of failing', async () => {
    const centre = await allPages((cursor) => views.listSessionsOfCentre('ctr_lyon-1', { limit: 3, ...(cursor ? { cursor } : {}) }));
    const department = await allPages((cursor) => views.listSessionsOfDepartment('38', { limit: 1, ...(cursor ? { cursor } : {}) }));

    expect(centre.items.map((s) => s.sessionId)).toEqual(['ses_s4', 'ses_s3', 'ses_s2', 'ses_s1']);
    expect(department.items.map((s) => s.sessionId)).toEqual(['ses_g1', 'ses_g2']);
    await refusedCursor(views.listSessionsOfCentre('ctr_lyon-1', { cursor: Buffer.from(JSON.stringify({ ownerKey: { S: 'centre#ctr_lyon-1' } })).toString('base64url') }));
  });
});

describe('sessions of a juror', () => {
  const today = '2027-04-01';

  it('splits upcoming (soonest first) from past (latest first), a departure included, another juror apart', async () => {
    expect(await jurorIds('jur_anne', { when: 'upcoming', today })).toEqual(['ses_s3', 'ses_s4']);
    expect(await jurorIds('jur_anne', { when: 'past', today })).toEqual(['ses_s1']);
    expect(await jurorIds('jur_marc', { when: 'upcoming', today })).toEqual([]);
    expect(await jurorIds('jur_marc', { when: 'past', today })).toEqual(['ses_s1']);
    expect(await jurorIds('jur_nobody', { when: 'upcoming', today })).toEqual([]);
  });

  it('a session ending today is still upcoming', async () => {
    expect(await jurorIds('jur_anne', { when: 'upcoming', today: '2027-05-10' })).toEqual(['ses_s3', 'ses_s4']);
    expect(await jurorIds('jur_anne', { when: 'past', today: '2027-05-11' })).toEqual(['ses_s3', 'ses_s1']);
  });

  it('shows each juror only their own part: convoked, left the jury', async () => {
    const anne = await views.listSessionsOfJuror('jur_anne', { when: 'upcoming', today: '2027-01-01' });
    const part = Object.fromEntries(anne.items.map((s) => [s.sessionId, { assigned: s.assigned, convokedOn: s.convokedOn, unassignedOn: s.unassignedOn, jurorId: s.jurorId }]));

    expect(part).toEqual({
      ses_s1: { assigned: true, convokedOn: '2027-02-01', unassignedOn: undefined, jurorId: 'jur_anne' },
      ses_s3: { assigned: true, convokedOn: undefined, unassignedOn: undefined, jurorId: 'jur_anne' },
      ses_s4: { assigned: false, convokedOn: undefined, unassignedOn: '2027-01-10', jurorId: 'jur_anne' },
    });
  });

  it('pages one at a time, and refuses the cursor of the upcoming list on the past one', async () => {
    const first = await views.listSessionsOfJuror('jur_anne', { when: 'upcoming', today, limit: 1 });
    const second = await views.listSessionsOfJuror('jur_anne', { when: 'upcoming', today, limit: 1, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) });

    expect(first.items.map((s) => s.sessionId)).toEqual(['ses_s3']);
    expect(second.items.map((s) => s.sessionId)).toEqual(['ses_s4']);
    await refusedCursor(views.listSessionsOfJuror('jur_anne', { when: 'past', today, cursor: first.nextCursor ?? 'missing' }));
    await refusedCursor(views.listSessionsOfJuror('jur_marc', { when: 'upcoming', today, cursor: first.nextCursor ?? 'missing' }));
  });

  it('keeps a newer juror item when an older write arrives late (a slow projector)', async () => {
    const [current] = (await views.listSessionsOfJuror('jur_marc', { when: 'past', today })).items;
    if (!current) throw new Error('jur_marc has no session');

    await views.saveJurorSessions([{ ...current, convokedOn: undefined, version: current.version - 1 } as JurorSessionView]);
    await views.saveJurorSessions([{ ...current }]);

    const [after] = (await views.listSessionsOfJuror('jur_marc', { when: 'past', today })).items;
    expect(after).toEqual(current);
  });
});

describe('a department’s sessions that start before a day (the UD dashboard’s week)', () => {
  it('reads them through the department index, newest first, page by page, never with a Scan', async () => {
    const commands: string[] = [];
    const spied = { send: (command: { constructor: { name: string } }) => (commands.push(command.constructor.name), dynamo.client.send(command as never)) };
    const watched = new DynamoViews(spied as unknown as typeof dynamo.client, dynamo.tables.views);
    const { items } = await allPages((cursor) => watched.listSessionsOfDepartment('69', { startsBefore: '2027-05-10', limit: 1, ...(cursor ? { cursor } : {}) }));
    // ses_s3 starts on 10 May itself: not before it.
    expect(items.map((s: SessionView) => s.sessionId)).toEqual(['ses_s2', 'ses_s1']);
    expect(new Set(commands)).toEqual(new Set(['QueryCommand']));
  });
});
