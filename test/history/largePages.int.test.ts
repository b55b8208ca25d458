import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent, StoredEvent } from '../../events/index.js';
import type { TokenClaims } from '../../shared/auth/principal.js';
import { NEXT_CURSOR_HEADER } from '../../shared/history/export.js';
import { createHistoryHandler } from '../../shared/history/http.js';
import { HistoryService } from '../../shared/history/service.js';
import { historyErrorPage } from '../../shared/history/timelinePage.js';
import { httpEdge } from '../../shared/http/edge.js';
import type { HttpResponse } from '../../shared/http/event.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { indexedStore } from '../support/indexedStore.js';
import { actorOf, apiRequest, centres, cursorSecret, lambdaContext, readers } from './fixtures.js';

/*
 * A page of history is one Lambda response, and Lambda refuses a response over 6 MB (the API then
 * answers 502, page after page). Large events (the PV of a session of 450 candidates weighs about
 * 60 KB) make 500 of them far heavier: the page stops short of its size and the cursor goes on.
 */

/** Lambda's limit on a synchronous response, the JSON it is sent as included. */
const LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024;
const sessionId = 'ses_lyon-grande';

let local: LocalDynamo;
let all: StoredEvent[] = [];
let handler: (path: string, query: Record<string, string>, claims: TokenClaims) => Promise<HttpResponse>;

const bigPv = (revision: number): DomainEvent => ({
  type: 'PVSigned',
  data: {
    revision,
    signedOn: '2027-06-20',
    decisions: Array.from({ length: 450 }, (_, i) => ({
      candidateId: `cand_grande-${String(i).padStart(4, '0')}`,
      decision: 'reussite-partielle' as const,
      ccpObtained: ['CCP-01', 'CCP-02', 'CCP-03'],
      evaluatorIds: ['jur_alice', 'jur_bruno'],
    })),
    signatoryIds: ['jur_alice', 'jur_bruno'],
    documentSha256: 'a'.repeat(64),
  },
});

beforeAll(async () => {
  local = await startDynalite('histbig');
  let at = Date.parse('2027-06-20T08:00:00.000Z');
  const store = indexedStore({ client: local.client, tables: local.tables, cursorSecret, clock: { now: () => new Date((at += 1_000)) } });
  // 120 events of about 60 KB (7 MB), four per commit.
  let version = 0;
  for (let commit = 0; commit < 30; commit += 1) {
    const result = await store.append(
      `session-${sessionId}`,
      version,
      Array.from({ length: 4 }, (_, i) => bigPv(version + i + 1)),
      { actor: actorOf('lyon'), scope: centres.lyon, correlationId: `big-${commit}`, causationId: `big-${commit}`, occurredAt: new Date('2027-06-20T08:00:00Z') },
    );
    version = result.version;
    all = [...all, ...result.events];
  }
  const edge = httpEdge(
    createHistoryHandler({ service: new HistoryService({ store, cursorSecret }), verify: () => Promise.reject(new Error('API requests carry verified claims')) }),
    { errorPage: historyErrorPage },
  );
  handler = (path, query, claims) => edge(apiRequest(path, query, claims), lambdaContext) as Promise<HttpResponse>;
}, 120_000);
afterAll(async () => {
  await local.stop();
});

/** Follows an export's or the API's cursors to the end; every response fits in a Lambda response. */
const readAll = async (path: string, query: Readonly<Record<string, string>>): Promise<{ ids: string[]; pages: number }> => {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages <= 50; pages += 1) {
    const response = await handler(path, { ...query, ...(cursor ? { cursor } : {}) }, readers.region84);
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(LAMBDA_RESPONSE_BYTES);
    if (path.endsWith('/export')) {
      ids.push(
        ...(query.format === 'csv'
          ? [...response.body.matchAll(/^([0-9A-HJKMNP-TV-Z]{26});/gm)].map((match) => match[1] ?? '')
          : response.body
              .trimEnd()
              .split('\n')
              .map((line) => (JSON.parse(line) as { id: string }).id)),
      );
      cursor = response.headers?.[NEXT_CURSOR_HEADER] as string | undefined;
    } else {
      const page = JSON.parse(response.body) as { events: { id: string }[]; nextCursor?: string };
      ids.push(...page.events.map((event) => event.id));
      cursor = page.nextCursor;
    }
    if (!cursor) return { ids, pages };
  }
  throw new Error('too many pages');
};

describe('pages of large events', () => {
  const expected = () => all.map((event) => event.id).sort();
  for (const [name, path, query] of [
    ['the CSV export of the region', '/api/history/export', { format: 'csv', order: 'asc', limit: '500' }],
    ['the NDJSON export of the session', '/api/history/export', { format: 'ndjson', sessionId, order: 'asc', limit: '500' }],
    ['the API, by region', '/api/history', { type: 'PVSigned', order: 'asc', limit: '500' }],
    ['the API, by session', '/api/history', { sessionId, order: 'asc', limit: '500' }],
  ] as const)
    it(`${name}: each page fits in a Lambda response, and the pages hold every event once`, async () => {
      const { ids, pages } = await readAll(path, query);
      expect(ids).toEqual(expected());
      expect(pages).toBeGreaterThan(1);
    });
});
