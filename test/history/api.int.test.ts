import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import type { TokenClaims } from '../../shared/auth/principal.js';
import { MASKED, type HistoryCloudEvent } from '../../shared/history/cloudEvents.js';
import { CSV_COLUMNS, NEXT_CURSOR_HEADER, UTF8_BOM } from '../../shared/history/export.js';
import { createHistoryHandler } from '../../shared/history/http.js';
import { HistoryService } from '../../shared/history/service.js';
import { historyErrorPage } from '../../shared/history/timelinePage.js';
import { httpEdge } from '../../shared/http/edge.js';
import type { HttpResponse } from '../../shared/http/event.js';
import type { Clock } from '../../shared/platform/clock.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { indexedStore } from '../support/indexedStore.js';
import { apiRequest, centres, cursorSecret, lambdaContext, readers, seedHistory, sessionIdOf, type ReaderName } from './fixtures.js';

const steppingClock = (start: string): Clock => {
  let at = new Date(start).getTime();
  return { now: () => new Date((at += 60_000)) };
};

let local: LocalDynamo;
let all: StoredEvent[];
let handler: (path: string, query: Record<string, string>, claims?: TokenClaims) => Promise<HttpResponse>;

beforeAll(async () => {
  local = await startDynalite('histapi');
  const store = indexedStore({ client: local.client, tables: local.tables, cursorSecret, clock: steppingClock('2027-03-01T08:00:00.000Z') });
  all = await seedHistory(store);
  const edge = httpEdge(
    createHistoryHandler({
      service: new HistoryService({
        store,
        cursorSecret,
        // Every candidate's identity is kept (none erased), and readable by the centre and the UD alone, as the store decides.
        people: {
          readCandidates: async (reader, ids) =>
            new Map(reader.actor.role === 'region' ? [] : ids.map((candidateId) => [candidateId, { candidateId, firstName: 'Léa', lastName: 'Martin', birthDate: '1990-03-12' }])),
          readJurors: async () => new Map(),
        },
      }),
      verify: () => Promise.reject(new Error('API requests carry verified claims')),
    }),
    { errorPage: historyErrorPage },
  );
  handler = (path, query, claims) => edge(apiRequest(path, query, claims), lambdaContext) as Promise<HttpResponse>;
}, 60_000);
afterAll(async () => {
  await local.stop();
});

const body = <T>(response: HttpResponse) => JSON.parse(response.body) as T;
type ApiPage = { events: HistoryCloudEvent[]; nextCursor?: string };

/** Follows the cursors to the end; checks each page's size. */
const readAll = async (query: Record<string, string>, claims: TokenClaims, limit: number): Promise<string[]> => {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1_000; pages += 1) {
    const response = await handler('/api/history', { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) }, claims);
    expect(response.statusCode).toBe(200);
    const page = body<ApiPage>(response);
    expect(page.events.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor) expect(page.events).toHaveLength(limit);
    ids.push(...page.events.map((event) => event.id));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('too many pages');
};

const expected = (predicate: (event: StoredEvent) => boolean, order: 'asc' | 'desc') => {
  const ids = all
    .filter(predicate)
    .map((event) => event.id)
    .sort();
  return order === 'asc' ? ids : ids.reverse();
};

const inWindow = (from: string, to: string) => (event: StoredEvent) => event.recordedAt >= from && event.recordedAt <= to;

describe('GET /api/history: filters, orders and pages', () => {
  const from = '2027-03-01T08:20:00.000Z';
  const to = '2027-03-01T09:10:00.000Z';
  const cases: { name: string; claims: TokenClaims; query: Record<string, string>; predicate: (event: StoredEvent) => boolean }[] = [
    { name: 'the whole region (regional admin, no filter)', claims: readers.region84, query: {}, predicate: (e) => e.scope.region === '84' },
    {
      name: 'a department, two types and a period (UD)',
      claims: readers.ud69,
      query: { type: 'CandidateWithdrawn,FraudReported', from, to },
      predicate: (e) => e.scope.department === '69' && ['CandidateWithdrawn', 'FraudReported'].includes(e.type) && inWindow(from, to)(e),
    },
    {
      name: 'a centre of the region and one actor (regional admin)',
      claims: readers.region84,
      query: { centreId: centres.grenoble.centreId, actor: 'usr_ud-38' },
      predicate: (e) => e.scope.centreId === centres.grenoble.centreId && e.actor.id === 'usr_ud-38',
    },
    {
      name: 'one session from an instant on (centre)',
      claims: readers.centreLyon,
      query: { sessionId: sessionIdOf('lyon', 2), from },
      predicate: (e) => e.streamId === `session-${sessionIdOf('lyon', 2)}` && e.recordedAt >= from,
    },
  ];
  for (const testCase of cases)
    for (const order of ['asc', 'desc'] as const)
      it(`reads ${testCase.name}, ${order}, in pages of 1, 2, 7, 50 and 500 without gap nor duplicate`, async () => {
        const wanted = expected(testCase.predicate, order);
        expect(wanted.length).toBeGreaterThan(2);
        for (const limit of [1, 2, 7, 50, 500]) expect(await readAll({ ...testCase.query, order }, testCase.claims, limit)).toEqual(wanted);
      });

  it('answers each event as CloudEvents 1.0 with the actor and correlation extensions', async () => {
    const page = body<ApiPage>(await handler('/api/history', { sessionId: sessionIdOf('lyon', 1), order: 'asc', limit: '1' }, readers.centreLyon));
    const first = all.filter((e) => e.streamId === `session-${sessionIdOf('lyon', 1)}`).sort((a, b) => a.id.localeCompare(b.id))[0]!;
    expect(page.events[0]).toMatchObject({
      specversion: '1.0',
      id: first.id,
      type: first.type,
      time: first.occurredAt,
      subject: first.streamId,
      datacontenttype: 'application/json',
      actorrole: first.actor.role,
      actorid: first.actor.id,
      correlationid: first.correlationId,
      causationid: first.causationId,
      streamversion: 1,
    });
  });

  it('masks candidate free text for the regional admin and shows it to the UD', async () => {
    const query = { type: 'FraudReported', limit: '5' };
    const forRegion = body<ApiPage>(await handler('/api/history', query, readers.region84)).events;
    const forUd = body<ApiPage>(await handler('/api/history', query, readers.ud69)).events;
    expect(forRegion.length).toBeGreaterThan(0);
    for (const event of forRegion) expect((event.data as { facts: string }).facts).toBe(MASKED);
    for (const event of forUd) expect((event.data as { facts: string }).facts).toBe('M. Martin avait un téléphone.');
  });
});

describe('GET /api/history: every role against every scope', () => {
  const lyonSession = sessionIdOf('lyon', 1);
  const parisSession = sessionIdOf('paris', 1);
  const matrix: [reader: ReaderName, query: Record<string, string>, status: number][] = [
    ['region84', {}, 200],
    ['region84', { region: '84' }, 200],
    ['region84', { region: '11' }, 403],
    ['region84', { department: '69' }, 200],
    ['region84', { department: '75' }, 403],
    ['region84', { centreId: centres.grenoble.centreId }, 200],
    ['region84', { centreId: centres.paris.centreId }, 403],
    ['region84', { sessionId: lyonSession }, 200],
    ['region84', { sessionId: parisSession }, 403],
    ['region11', { sessionId: parisSession }, 200],
    ['ud69', {}, 200],
    ['ud69', { department: '69' }, 200],
    ['ud69', { department: '38' }, 403],
    ['ud69', { region: '84' }, 403],
    ['ud69', { centreId: centres.villeurbanne.centreId }, 200],
    ['ud69', { centreId: centres.grenoble.centreId }, 403],
    ['ud69', { sessionId: lyonSession }, 200],
    ['ud69', { sessionId: sessionIdOf('grenoble', 1) }, 403],
    ['ud75', { sessionId: parisSession }, 200],
    ['centreLyon', {}, 200],
    ['centreLyon', { centreId: centres.lyon.centreId }, 200],
    ['centreLyon', { centreId: centres.villeurbanne.centreId }, 403],
    ['centreLyon', { department: '69' }, 403],
    ['centreLyon', { region: '84' }, 403],
    ['centreLyon', { sessionId: lyonSession }, 200],
    ['centreLyon', { sessionId: sessionIdOf('villeurbanne', 1) }, 404],
    ['centreGrenoble', { sessionId: sessionIdOf('grenoble', 2) }, 200],
    ['centreGrenoble', { sessionId: lyonSession }, 404],
    ['juror', {}, 403],
    ['juror', { sessionId: lyonSession }, 403],
  ];
  it.each(matrix)('%s asking %o gets %i', async (reader, query, status) => {
    const response = await handler('/api/history', query, readers[reader]);
    expect(response.statusCode).toBe(status);
    if (status === 403) expect(body<{ error: { message: string } }>(response).error.message).toMatch(/périmètre|réservé|accès/);
    // Another centre's session answers like an id that names none.
    if (status === 404) expect(body<{ error: { message: string } }>(response).error.message).toBe('Cette session est introuvable.');
    if (status === 200) {
      const events = body<ApiPage>(response).events;
      expect(events.length).toBeGreaterThan(0);
      const claims: TokenClaims = readers[reader];
      for (const event of events) {
        if (claims['custom:role'] === 'centre') expect(event.centreid).toBe(claims['custom:centreId']);
        if (claims['custom:role'] === 'ud') expect(event.department).toBe(claims['custom:department']);
        if (claims['custom:role'] === 'region') expect(event.region).toBe(claims['custom:region']);
      }
    }
  });

  it('answers 404 for a session that does not exist and 401 without a token', async () => {
    expect((await handler('/api/history', { sessionId: 'ses_nowhere' }, readers.region84)).statusCode).toBe(404);
    expect((await handler('/api/history', {})).statusCode).toBe(401);
  });
});

describe('GET /api/history: refused queries, in French', () => {
  const fieldsOf = (response: HttpResponse) => body<{ error: { fields: { field: string; message: string }[] } }>(response).error.fields;

  it('refuses a forged cursor and a cursor taken from another query', async () => {
    const first = body<ApiPage>(await handler('/api/history', { limit: '2' }, readers.region84));
    expect(first.nextCursor).toBeDefined();
    const [payload, signature] = first.nextCursor!.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ v: 1, after: '7ZZZZZZZZZZZZZZZZZZZZZZZZZ' })).toString('base64url');
    for (const cursor of [`${forgedPayload}.${signature}`, `${payload}.AAAA`, 'n-importe-quoi']) {
      const response = await handler('/api/history', { limit: '2', cursor }, readers.region84);
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response)).toEqual([{ field: 'cursor', message: 'Curseur invalide.' }]);
    }
    const otherQuery = await handler('/api/history', { limit: '2', order: 'asc', cursor: first.nextCursor! }, readers.region84);
    expect(otherQuery.statusCode).toBe(400);
    const session = body<ApiPage>(await handler('/api/history', { sessionId: sessionIdOf('lyon', 1), limit: '1' }, readers.region84));
    const reused = await handler('/api/history', { sessionId: sessionIdOf('lyon', 2), limit: '1', cursor: session.nextCursor! }, readers.region84);
    expect(reused.statusCode).toBe(400);
  });

  it('refuses an unknown event type, an inverted period and a page size out of range', async () => {
    const unknown = await handler('/api/history', { type: 'SessionExploded' }, readers.region84);
    expect(unknown.statusCode).toBe(400);
    expect(fieldsOf(unknown)[0]).toMatchObject({ field: 'type', message: expect.stringMatching(/^Type d’événement inconnu/) });
    const inverted = await handler('/api/history', { from: '2027-03-02', to: '2027-03-01' }, readers.region84);
    expect(inverted.statusCode).toBe(400);
    expect(fieldsOf(inverted)).toEqual([{ field: 'to', message: 'La fin de la période précède son début : inversez les dates.' }]);
    const tooBig = await handler('/api/history', { limit: '501' }, readers.region84);
    expect(tooBig.statusCode).toBe(400);
    expect(fieldsOf(tooBig)[0]?.field).toBe('limit');
  });

  it('refuses two places at once (one index per query)', async () => {
    const response = await handler('/api/history', { department: '69', centreId: centres.lyon.centreId }, readers.region84);
    expect(response.statusCode).toBe(400);
  });
});

describe('GET /api/history/export: one page per request', () => {
  const exportAll = async (query: Record<string, string>, claims: TokenClaims) => {
    const pages: HttpResponse[] = [];
    let cursor: string | undefined;
    do {
      const response = await handler('/api/history/export', { ...query, ...(cursor ? { cursor } : {}) }, claims);
      expect(response.statusCode).toBe(200);
      pages.push(response);
      cursor = response.headers[NEXT_CURSOR_HEADER];
    } while (cursor);
    return pages;
  };

  it('exports CSV with BOM and header once, semicolons by default, every event once', async () => {
    const pages = await exportAll({ format: 'csv', limit: '7', order: 'asc', department: '69' }, readers.ud69);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages[0]!.headers['content-type']).toBe('text/csv; charset=utf-8');
    const text = pages.map((page) => page.body).join('');
    expect(text.startsWith(`${UTF8_BOM}${CSV_COLUMNS.join(';')}\r\n`)).toBe(true);
    expect(text.split(UTF8_BOM)).toHaveLength(2);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines.slice(1).map((line) => line.split(';')[0])).toEqual(expected((e) => e.scope.department === '69', 'asc'));
  });

  it('separates with commas when asked', async () => {
    const [page] = await exportAll({ format: 'csv', separator: ',', limit: '500', sessionId: sessionIdOf('paris', 1) }, readers.region11);
    expect(page!.body.slice(1).split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
  });

  it('exports NDJSON, one CloudEvent per line', async () => {
    const pages = await exportAll({ format: 'ndjson', limit: '5', centreId: centres.lyon.centreId }, readers.centreLyon);
    const lines = pages
      .map((page) => page.body)
      .join('')
      .trimEnd()
      .split('\n');
    expect(lines.map((line) => (JSON.parse(line) as HistoryCloudEvent).id)).toEqual(expected((e) => e.scope.centreId === centres.lyon.centreId, 'desc'));
  });

  it('refuses an unknown format in French', async () => {
    const response = await handler('/api/history/export', { format: 'xlsx' }, readers.region84);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Format « csv » ou « ndjson » attendu.');
  });
});
