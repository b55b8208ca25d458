import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import type { HistoryQuery } from '../../shared/eventStore/port.js';
import { MASKED, type HistoryCloudEvent } from '../../shared/history/cloudEvents.js';
import { historyRoutes } from '../../shared/history/http.js';
import { HistoryService } from '../../shared/history/service.js';
import { createRouter } from '../../shared/http/router.js';
import type { HttpEvent, HttpResponse } from '../../shared/http/event.js';
import { apiCall, createTestApp, freshKey, httpEvent, testVerifier, type TestApp, type UserHandle } from '../web/support/app.js';
import { seedSession, type Seeded } from '../web/support/scenario.js';

/*
 * Free text written about a candidate (a withdrawal's reason, a fraud report's facts) often names
 * them. Once their personal data is erased (at their request, or by the retention purge), the
 * history no longer shows it to anyone: the API, the export and the timeline page alike.
 */

const REASON = 'Mme Petit a déménagé à Lille';

let app: TestApp;
/** The history routes over the app's store, with an index read from its streams (the in-memory store has none). */
let history: (event: HttpEvent) => Promise<HttpResponse>;
let seeded: Seeded;
let lea: string;
let hugo: string;

/** What the history index answers, from every stream of the store: one page, newest first, of the key's events of the asked types. */
const indexOf =
  (streams: ReadonlyMap<string, readonly StoredEvent[]>) =>
  async (query: HistoryQuery): Promise<{ items: StoredEvent[] }> => {
    const [key, value] = Object.entries(query.by)[0] ?? [];
    const items = [...streams.values()]
      .flat()
      .filter((event) => key !== undefined && (event.scope as Record<string, unknown>)[key] === value && (query.types?.includes(event.type) ?? true))
      .sort((a, b) => b.id.localeCompare(a.id));
    return { items: items.slice(0, query.limit ?? 50) };
  };

beforeEach(async () => {
  app = createTestApp();
  const service = new HistoryService({
    store: { readStream: (streamId) => app.store.readStream(streamId), verify: (streamId) => app.store.verify(streamId), history: indexOf(app.store.streams) },
    cursorSecret: 'test-cursor-secret-of-at-least-32-characters',
    people: app.personalData,
  });
  history = createRouter(historyRoutes({ service, verify: testVerifier }));
  seeded = await seedSession(app);
  [lea = '', hugo = ''] = seeded.candidateIds;
  for (const candidateId of [lea, hugo]) {
    const withdrawn = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/candidates/${candidateId}/withdraw`, { reason: REASON });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
  }
});

const eraseOnRequest = async (candidateId: string) => {
  const response = await app.api(
    httpEvent({
      method: 'POST',
      path: `/api/sessions/${seeded.sessionId}/candidates/${candidateId}/erasure`,
      as: 'centre',
      headers: { 'content-type': 'application/json', 'idempotency-key': freshKey() },
      body: JSON.stringify({ confirmed: true }),
    }),
  );
  expect(response.statusCode, response.body).toBe(200);
};

const withdrawalReasons = async (as: UserHandle, query: Record<string, string>): Promise<Record<string, unknown>> => {
  const response = await history(httpEvent({ path: '/api/history', as, query: { ...query, type: 'CandidateWithdrawn' } }));
  expect(response.statusCode, response.body).toBe(200);
  const { events } = JSON.parse(response.body) as { events: HistoryCloudEvent[] };
  return Object.fromEntries(events.map((event) => [(event.data as { candidateId: string }).candidateId, (event.data as { reason?: string }).reason]));
};

const readers: { as: UserHandle; by: string; query: () => Record<string, string> }[] = [
  { as: 'centre', by: 'the session', query: () => ({ sessionId: seeded.sessionId }) },
  { as: 'ud', by: 'the session', query: () => ({ sessionId: seeded.sessionId }) },
  { as: 'centre', by: 'its centre (the index)', query: () => ({}) },
  { as: 'ud', by: 'its department (the index)', query: () => ({}) },
];

describe('free text about a candidate whose personal data was erased', () => {
  for (const reader of readers)
    it(`is masked for the ${reader.as} reading by ${reader.by} after an erasure on request, and kept for the candidate not erased`, async () => {
      expect(await withdrawalReasons(reader.as, reader.query())).toEqual({ [lea]: REASON, [hugo]: REASON });
      await eraseOnRequest(hugo);
      expect(await withdrawalReasons(reader.as, reader.query())).toEqual({ [lea]: REASON, [hugo]: MASKED });
    });

  it('is masked after the retention purge erased the candidate (no event recorded), in the export too', async () => {
    await app.personalData.eraseCandidate(hugo);
    expect(await withdrawalReasons('ud', { sessionId: seeded.sessionId })).toEqual({ [lea]: REASON, [hugo]: MASKED });
    await app.personalData.eraseCandidate(lea);
    const exported = await history(httpEvent({ path: '/api/history/export', as: 'ud', query: { sessionId: seeded.sessionId, format: 'csv' } }));
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.body).toContain('CandidateWithdrawn');
    expect(exported.body).not.toContain('Lille');
  });

  it('is not shown on the session’s timeline page once erased', async () => {
    const timeline = async () => {
      const response = await history(httpEvent({ path: `/sessions/${seeded.sessionId}/historique`, cookieOf: 'centre', headers: { accept: 'text/html' } }));
      expect(response.statusCode, response.body).toBe(200);
      return response.body;
    };
    expect((await timeline()).split('Lille')).toHaveLength(3);
    await eraseOnRequest(hugo);
    expect((await timeline()).split('Lille')).toHaveLength(2);
  });
});
