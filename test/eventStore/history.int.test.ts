import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent, EventScope, StoredEvent } from '../../events/index.js';
import type { Clock } from '../../shared/platform/clock.js';
import type { HistoryQuery } from '../../shared/eventStore/port.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { indexedStore, type IndexedStore } from '../support/indexedStore.js';
import { centreActor, cursorSecret, grenoble, lyon, options } from './fixtures.js';

const paris: EventScope = { centreId: 'ctr_paris-3', department: '75', region: '11' };
const centres = [lyon, grenoble, paris];
const secondActor = { role: 'ud' as const, id: 'agent-ud-69', scope: { department: '69' } };

/** Every call moves time one second on, so events spread over ~2 minutes of ULID time. */
const steppingClock = (start: string): Clock => {
  let at = new Date(start).getTime();
  return { now: () => new Date((at += 1_000)) };
};

let local: LocalDynamo;
let store: IndexedStore;
const all: StoredEvent[] = [];

beforeAll(async () => {
  local = await startDynalite('history');
  store = indexedStore({ client: local.client, tables: local.tables, cursorSecret, clock: steppingClock('2027-03-01T08:00:00.000Z') });
  // Given 1,000 events: 100 commits of 10 events on 20 streams of 3 centres, two actors, two types
  const versions = new Map<string, number>();
  for (let commit = 0; commit < 100; commit += 1) {
    const streamIndex = commit % 20;
    const stream = `session-ses_h-${streamIndex}`;
    const events: DomainEvent[] = Array.from({ length: 10 }, (_, i) =>
      i % 3 === 2
        ? { type: 'CandidateWithdrawn', data: { candidateId: `cand_h-${commit}-${i}` } }
        : { type: 'CandidateRegistered', data: { candidateId: `cand_h-${commit}-${i}` } },
    );
    const version = versions.get(stream) ?? 0;
    const result = await store.append(stream, version, events, options({ scope: centres[streamIndex % 3] ?? lyon, actor: commit % 4 === 0 ? secondActor : centreActor }));
    versions.set(stream, result.version);
    all.push(...result.events);
  }
}, 120_000);
afterAll(async () => {
  await local.stop();
});

/** Reads every page of a query, checking that no page exceeds its size. */
const readAll = async (query: HistoryQuery, limit: number) => {
  const ids: string[] = [];
  let cursor = query.cursor;
  let pages = 0;
  do {
    const page = await store.history({ ...query, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor) expect(page.items).toHaveLength(limit);
    ids.push(...page.items.map((e) => e.id));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor);
  return { ids, pages };
};

const expected = (keep: (e: StoredEvent) => boolean, order: 'asc' | 'desc') => {
  const ids = all
    .filter(keep)
    .map((e) => e.id)
    .sort();
  return order === 'asc' ? ids : ids.reverse();
};

describe('history over 1,000 events in dynalite', () => {
  it('holds 1,000 distinct, time-ordered ids', () => {
    expect(new Set(all.map((e) => e.id)).size).toBe(1_000);
  });

  describe.each(['asc', 'desc'] as const)('%s', (order) => {
    it.each([7, 50, 500])('reads a centre (350 events) in pages of %i with no gap, no duplicate, in ULID order', async (limit) => {
      const { ids, pages } = await readAll({ by: { centreId: 'ctr_lyon-1' }, order }, limit);
      const want = expected((e) => e.scope.centreId === 'ctr_lyon-1', order);
      expect(ids).toEqual(want);
      // The last full page carries no cursor: no empty page at the end.
      expect(pages).toBe(Math.ceil(want.length / limit));
    });

    it('reads a department, a region and a type completely', async () => {
      expect((await readAll({ by: { department: '38' }, order }, 60)).ids).toEqual(expected((e) => e.scope.department === '38', order));
      expect((await readAll({ by: { region: '84' }, order }, 200)).ids).toEqual(expected((e) => e.scope.region === '84', order));
      expect((await readAll({ by: { eventType: 'CandidateWithdrawn' }, order }, 33)).ids).toEqual(expected((e) => e.type === 'CandidateWithdrawn', order));
    });

    it('reads a time range of a centre one event at a time', async () => {
      const lyonEvents = all.filter((e) => e.scope.centreId === 'ctr_lyon-1');
      const from = new Date(lyonEvents[40]?.recordedAt ?? '');
      const to = new Date(lyonEvents[90]?.recordedAt ?? '');
      const { ids } = await readAll({ by: { centreId: 'ctr_lyon-1' }, from, to, order }, 1);
      const want = expected((e) => e.scope.centreId === 'ctr_lyon-1' && new Date(e.recordedAt) >= from && new Date(e.recordedAt) <= to, order);
      expect(want.length).toBeGreaterThan(40);
      expect(ids).toEqual(want);
    });

    it('filters by extra types and actor across pages', async () => {
      const query: HistoryQuery = { by: { region: '84' }, types: ['CandidateWithdrawn'], actorId: 'agent-ud-69', order };
      const { ids } = await readAll(query, 9);
      const want = expected((e) => e.scope.region === '84' && e.type === 'CandidateWithdrawn' && e.actor.id === 'agent-ud-69', order);
      expect(want.length).toBeGreaterThan(9);
      expect(ids).toEqual(want);
    });
  });

  it('gives the same pages twice (stable order)', async () => {
    const first = await readAll({ by: { centreId: 'ctr_paris-3' } }, 13);
    const second = await readAll({ by: { centreId: 'ctr_paris-3' } }, 13);
    expect(second.ids).toEqual(first.ids);
  });

  it('lets a reader change the page size between pages of the same query', async () => {
    const first = await store.history({ by: { department: '69' }, order: 'asc', limit: 10 });
    const rest = await readAll({ by: { department: '69' }, order: 'asc', cursor: first.nextCursor }, 100);
    expect([...first.items.map((e) => e.id), ...rest.ids]).toEqual(expected((e) => e.scope.department === '69', 'asc'));
  });

  it('returns an empty last page, without a cursor, for a centre with no history', async () => {
    await expect(store.history({ by: { centreId: 'ctr_nulle-part' } })).resolves.toEqual({ items: [] });
  });
});
