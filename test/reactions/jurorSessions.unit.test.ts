import { describe, expect, it } from 'vitest';
import type { DomainEvent, StoredEvent } from '../../events/index.js';
import { ViewVersionConflict } from '../../shared/views/viewWriter.js';
import type { AggregateView, JurorSessionView } from '../../shared/views/model.js';
import { projectAll, projectWithJurorSessions, sessionViewOf, type Projected } from '../../shared/views/projection.js';
import { Projector, type ViewsStore } from '../../shared/views/projector.js';
import { sessionCreated } from './fixtures.js';

/*
 * A juror's part in each session (« Mes convocations »), folded from the session's events: pure
 * folds first, then the projector over an in-memory store with DynamoViews' conditions, so
 * redelivery, disorder and a crash between the juror items and the view are seen without AWS.
 */

const STREAM = 'session-ses_lyon-a';

const stored = (events: readonly DomainEvent[], occurredAt = '2027-01-10T08:00:00.000Z'): StoredEvent[] =>
  events.map(
    (event, index) =>
      ({
        ...event,
        id: `01J0000000000000000000000${index}`,
        streamId: STREAM,
        version: index + 1,
        schemaVersion: 1,
        occurredAt,
        recordedAt: occurredAt,
        actor: { role: 'centre', id: 'usr_centre', scope: { centreId: 'ctr_lyon-1' } },
        scope: { centreId: 'ctr_lyon-1', department: '69', region: '84' },
        correlationId: 'test',
        causationId: 'test',
      }) as StoredEvent,
  );

const assigned = (jurorId: string, tiedCandidateIds: string[] = []): DomainEvent => ({
  type: 'JuryAssigned',
  data: { jurorId, habilitationId: `hab_${jurorId.slice(4)}`, tiedCandidateIds },
});
const unassigned = (jurorId: string): DomainEvent => ({ type: 'JurorUnassigned', data: { jurorId, reason: 'Indisponible' } });
const convoked = (recipientIds: string[], sentOn = '2027-02-01'): DomainEvent => ({
  type: 'ConvocationsSent',
  data: { audience: 'jurors', recipientIds, sentOn, dueOn: '2027-02-28', late: false },
});
const cancelled: DomainEvent = { type: 'SessionCancelled', data: { cancelledOn: '2027-02-10', reason: 'Plateau indisponible' } };

/** Sets a stored event's time (the unassignment day is its Paris calendar day). */
const at = (event: StoredEvent, occurredAt: string): StoredEvent => ({ ...event, occurredAt, recordedAt: occurredAt });

const byJuror = (items: readonly JurorSessionView[]) => Object.fromEntries(items.map((item) => [item.jurorId, item]));

/** The items a fold of the whole stream leaves, as the store would hold them (latest write per juror). */
const finalItems = (events: readonly StoredEvent[], batches: readonly number[]) => {
  const items = new Map<string, JurorSessionView>();
  let projected: Projected | undefined;
  let from = 0;
  for (const size of [...batches, events.length]) {
    const { projected: next, jurorSessions } = projectWithJurorSessions(projected, events.slice(from, from + size));
    for (const item of jurorSessions) items.set(item.jurorId, item);
    projected = next;
    from += size;
    if (from >= events.length) break;
  }
  return Object.fromEntries([...items].sort(([a], [b]) => a.localeCompare(b)));
};

describe('juror items folded from a session', () => {
  it('given a created session, when a juror is assigned, then one item for that juror, not convoked, stamped with the assignment', () => {
    const events = stored([sessionCreated('ses_lyon-a'), assigned('jur_anne', ['cand_alice'])]);

    const { jurorSessions } = projectWithJurorSessions(undefined, events);

    expect(jurorSessions).toEqual([
      {
        kind: 'juror-session',
        jurorId: 'jur_anne',
        sessionId: 'ses_lyon-a',
        centreId: 'ctr_lyon-1',
        department: '69',
        region: '84',
        titreCode: 'RNCP37274',
        ceresReference: 'CERES-ses_lyon-a',
        site: 'AFPA Lyon, 12 rue <Vaubecour> & Cie',
        startDate: '2027-03-15',
        endDate: '2027-03-16',
        status: 'created',
        habilitationId: 'hab_anne',
        assigned: true,
        version: 2,
      },
    ]);
    // Neither candidates nor ties reach the juror's page.
    expect(JSON.stringify(jurorSessions)).not.toMatch(/cand_/);
  });

  it('given jury convocations, then only the members they reached are convoked; a member designated afterwards is not', () => {
    const events = stored([sessionCreated('ses_lyon-a'), assigned('jur_anne'), convoked(['jur_anne']), assigned('jur_marc')]);

    const items = byJuror(projectWithJurorSessions(undefined, events).jurorSessions);

    expect(items.jur_anne).toMatchObject({ convokedOn: '2027-02-01', version: 3 });
    expect(items.jur_marc?.convokedOn).toBeUndefined();
    expect(items.jur_marc?.version).toBe(4);
  });

  it('given a convoked juror unassigned late in the evening, then the item stays, marked left on that Paris day and still saying the convocation reached them', () => {
    const events = stored([sessionCreated('ses_lyon-a'), assigned('jur_anne'), convoked(['jur_anne']), unassigned('jur_anne')]);
    const lateEvening = [...events.slice(0, 3), at(events[3] as StoredEvent, '2027-02-05T23:30:00.000Z')];

    const items = byJuror(projectWithJurorSessions(undefined, lateEvening).jurorSessions);

    expect(items.jur_anne).toMatchObject({ assigned: false, unassignedOn: '2027-02-06', convokedOn: '2027-02-01', version: 4 });
  });

  it('given a juror unassigned then designated again, then the item is assigned once more, without the old departure', () => {
    const events = stored([sessionCreated('ses_lyon-a'), assigned('jur_anne'), unassigned('jur_anne'), assigned('jur_anne')]);

    const item = byJuror(projectWithJurorSessions(undefined, events).jurorSessions).jur_anne;

    expect(item).toMatchObject({ assigned: true, version: 4 });
    expect(item?.unassignedOn).toBeUndefined();
    expect(projectAll(events)?.view).toMatchObject({ formerJury: [] });
  });

  it('given a juror unassigned then designated again without naming a tie declared before, then the session view still shows the tie', () => {
    const tie: DomainEvent = { type: 'TieDeclared', data: { jurorId: 'jur_anne', candidateId: 'cand_alice' } };
    const events = stored([sessionCreated('ses_lyon-a'), assigned('jur_anne', ['cand_bruno']), tie, unassigned('jur_anne'), assigned('jur_anne')]);

    expect(projectAll(events)?.view).toMatchObject({ jury: [{ jurorId: 'jur_anne', tiedCandidateIds: ['cand_bruno', 'cand_alice'] }] });
  });

  it("given a session's events up to each version, then the session fold alone (the notifier's) gives the view the whole projection gives; another stream's events give none", () => {
    const tie: DomainEvent = { type: 'TieDeclared', data: { jurorId: 'jur_anne', candidateId: 'cand_alice' } };
    const events = stored([
      sessionCreated('ses_lyon-a'),
      assigned('jur_anne', ['cand_bruno']),
      tie,
      assigned('jur_marc'),
      convoked(['jur_anne', 'jur_marc']),
      unassigned('jur_marc'),
      { type: 'CandidateRegistered', data: { candidateId: 'cand_chloe' } },
      cancelled,
    ]);

    for (let version = 0; version <= events.length; version += 1) {
      const prefix = events.slice(0, version);
      expect(sessionViewOf(prefix), `version ${version}`).toEqual(projectAll(prefix)?.view);
    }
    expect(sessionViewOf(events)).toMatchObject({ status: 'cancelled' });
    expect(sessionViewOf(events.map((event) => ({ ...event, streamId: 'juror-jur_anne' })))).toBeUndefined();
  });

  it('given a cancelled session, then every juror item, the former member included, says so', () => {
    const events = stored([sessionCreated('ses_lyon-a'), assigned('jur_anne'), assigned('jur_marc'), unassigned('jur_marc'), cancelled]);

    const items = byJuror(projectWithJurorSessions(projectAll(events.slice(0, 4)), events.slice(4)).jurorSessions);

    expect(Object.keys(items).sort()).toEqual(['jur_anne', 'jur_marc']);
    expect(items.jur_anne).toMatchObject({ status: 'cancelled', cancelledOn: '2027-02-10', assigned: true, version: 5 });
    expect(items.jur_marc).toMatchObject({ status: 'cancelled', cancelledOn: '2027-02-10', assigned: false, version: 5 });
  });

  it('given events that change nothing a juror sees (candidates, accommodations), then no juror item is rewritten', () => {
    const events = stored([
      sessionCreated('ses_lyon-a'),
      assigned('jur_anne'),
      { type: 'CandidateRegistered', data: { candidateId: 'cand_chloe' } },
      { type: 'AccommodationGranted', data: { candidateId: 'cand_chloe', accommodationId: 'acc_chloe-1' } },
      { type: 'ConvocationsSent', data: { audience: 'candidates', recipientIds: ['cand_chloe'], sentOn: '2027-02-01', dueOn: '2027-02-28', late: false } },
    ]);

    const { jurorSessions } = projectWithJurorSessions(projectAll(events.slice(0, 2)), events.slice(2));

    expect(jurorSessions).toEqual([]);
  });

  it('given the same stream cut into different batches, then the final items are equal, stamps included (live projection and rebuild agree)', () => {
    const events = stored([
      sessionCreated('ses_lyon-a'),
      assigned('jur_anne'),
      assigned('jur_marc'),
      convoked(['jur_anne', 'jur_marc']),
      unassigned('jur_marc'),
      { type: 'CandidateRegistered', data: { candidateId: 'cand_chloe' } },
      cancelled,
      // Last, an event the jurors do not see: the stamp stays on the cancellation whatever the batch.
      { type: 'CandidateWithdrawn', data: { candidateId: 'cand_chloe' } },
    ]);

    const whole = finalItems(events, []);

    expect(finalItems(events, [1, 1, 1, 1, 1, 1, 1])).toEqual(whole);
    expect(finalItems(events, [3, 2])).toEqual(whole);
    expect(finalItems(events, [7])).toEqual(whole);
    expect(whole.jur_marc?.version).toBe(7);
    expect(whole.jur_anne?.version).toBe(7);
  });
});

/** The views table as DynamoViews conditions it: a view saved at the version read, juror items never older. */
class MemoryViewsStore implements ViewsStore {
  readonly views = new Map<string, AggregateView>();
  readonly jurorItems = new Map<string, JurorSessionView>();
  jurorWrites = 0;
  /** Fails the next view saves, as a process that dies after writing the juror items. */
  failSaves = 0;

  async load(streamId: string) {
    return this.views.get(streamId);
  }
  async save(view: AggregateView, expectedVersion: number | undefined) {
    if (this.failSaves > 0) {
      this.failSaves -= 1;
      throw new Error('crash before the view was saved');
    }
    const key = `${view.kind}-${view.kind === 'session' ? view.sessionId : ''}`;
    if ((this.views.get(key)?.version ?? undefined) !== expectedVersion) throw new ViewVersionConflict(key);
    this.views.set(key, view);
  }
  async saveJurorSessions(items: readonly JurorSessionView[]) {
    for (const item of items) {
      this.jurorWrites += 1;
      const key = `${item.sessionId}#${item.jurorId}`;
      if ((this.jurorItems.get(key)?.version ?? 0) <= item.version) this.jurorItems.set(key, item);
    }
  }
  async markCentre() {}
  async markPlannedSessionCreated() {}
}

describe('projector and juror items', () => {
  const events = stored([sessionCreated('ses_lyon-a'), assigned('jur_anne'), assigned('jur_marc'), convoked(['jur_anne', 'jur_marc']), unassigned('jur_marc')]);
  const storeOf = (all: readonly StoredEvent[]) => ({ readStream: async () => ({ events: all }) });
  /** The whole stream applied at once, in order: what a rebuild writes. */
  const inOrder = async () => {
    const reference = new MemoryViewsStore();
    await new Projector(reference, storeOf(events)).apply(events);
    return reference;
  };

  it('given a commit delivered twice, when applied again, then it is a duplicate and no juror item is written again', async () => {
    const views = new MemoryViewsStore();
    const projector = new Projector(views, storeOf(events));
    for (const event of events) await projector.apply([event]);
    const writes = views.jurorWrites;

    expect(await projector.apply([events[3] as StoredEvent])).toBe('duplicate');
    expect(views.jurorWrites).toBe(writes);
  });

  it('given the last commit delivered first, when applied, then the gap is read from the store and the items equal an in-order projection', async () => {
    const reference = await inOrder();
    const views = new MemoryViewsStore();
    const projector = new Projector(views, storeOf(events));

    await projector.apply([events[4] as StoredEvent]);
    for (const event of events.slice(0, 4)) expect(await projector.apply([event])).toBe('duplicate');

    expect([...views.jurorItems]).toEqual([...reference.jurorItems]);
    expect(views.jurorItems.get('ses_lyon-a#jur_marc')).toMatchObject({ assigned: false, convokedOn: '2027-02-01', version: 5 });
  });

  it('given a crash after the juror items and before the view, when the commit is redelivered, then the view catches up and the items are the same', async () => {
    const reference = await inOrder();
    const views = new MemoryViewsStore();
    const projector = new Projector(views, storeOf(events));
    await projector.apply(events.slice(0, 3));
    views.failSaves = 1;

    await expect(projector.apply(events.slice(3))).rejects.toThrow('crash before the view was saved');
    expect(views.views.get('session-ses_lyon-a')?.version).toBe(3);
    expect(views.jurorItems.get('ses_lyon-a#jur_marc')?.version).toBe(5);
    expect(await projector.apply(events.slice(3))).toBe('applied');

    expect(views.views.get('session-ses_lyon-a')?.version).toBe(5);
    expect([...views.jurorItems]).toEqual([...reference.jurorItems]);
  });
});
