import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import type { TokenClaims } from '../../shared/auth/principal.js';
import { createS3Client } from '../../shared/aws/s3.js';
import { S3DocumentLinks } from '../../shared/history/documentLinks.js';
import { createHistoryHandler } from '../../shared/history/http.js';
import { HistoryService } from '../../shared/history/service.js';
import { historyErrorPage } from '../../shared/history/timelinePage.js';
import { httpEdge } from '../../shared/http/edge.js';
import type { HttpResponse } from '../../shared/http/event.js';
import type { Clock } from '../../shared/platform/clock.js';
import { purgeExpired, retentionSettingsOf, S3PvObjects, StoreRecordedEvents } from '../../shared/retention/index.js';
import { PvVault } from '../../shared/vault/vault.js';
import { startBuckets, type LocalBuckets } from '../support/buckets.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { indexedStore, type IndexedStore } from '../support/indexedStore.js';
import { actorOf, apiRequest, centres, cursorSecret, lambdaContext, readers, type ReaderName } from './fixtures.js';

/*
 * The timeline's PV files are downloaded through the history's own route, which checks the reader's
 * scope as the timeline does and signs the S3 link at the click: a page read for an hour still
 * downloads, and a file the retention purge deleted says so in French. Against dynalite and
 * s3rver, with the real purge; offline, the intake records `etag:<ETag>` as a PV's version (s3rver
 * keeps none), which the signed link must still open.
 */
const DAY = 86_400_000;
const PV_DAYS = 90;
const oldSession = 'ses_lyon-ancienne';
const recentSession = 'ses_lyon-recente';
const recordedOld = new Date('2027-01-04T08:00:00Z');
const recordedRecent = new Date('2027-03-01T08:00:00Z');

let now = recordedOld;
const clock: Clock = { now: () => new Date(now) };
let s3: LocalBuckets;
let dynamo: LocalDynamo;
let store: IndexedStore;
let handler: (path: string, claims?: TokenClaims) => Promise<HttpResponse>;
const recentBody = Buffer.from('%PDF-1.7 PV signé récent');
const oldBody = Buffer.from('%PDF-1.7 PV signé ancien');

const storePv = async (sessionId: string, revision: number, body: Buffer): Promise<StoredEvent> => {
  const client = createS3Client({ endpoint: s3.endpoint, maxAttempts: 1 });
  const objectKey = `pv/${sessionId}/${revision}.pdf`;
  // As the intake keeps it (with its checksum, which the vault's Object Lock requires).
  const kept = await new PvVault(client, s3.vault).keep(objectKey, body, createHash('sha256').update(body).digest('hex'));
  expect(kept.versionId).toBeUndefined();
  const current = await store.readStream(`session-${sessionId}`);
  const sha256 = createHash('sha256').update(body).digest('hex');
  const { events } = await store.append(
    `session-${sessionId}`,
    current.version,
    [{ type: 'PVDocumentStored', data: { revision, objectKey, versionId: `etag:${kept.etag ?? ''}`, sha256, sizeBytes: body.length } }],
    { actor: actorOf('lyon'), scope: centres.lyon, correlationId: `pv-${sessionId}-${revision}`, causationId: `pv-${sessionId}-${revision}`, occurredAt: clock.now() },
  );
  return events[0] as StoredEvent;
};

beforeAll(async () => {
  s3 = await startBuckets('document-links');
  dynamo = await startDynalite('pvlinks');
  store = indexedStore({ client: dynamo.client, tables: dynamo.tables, cursorSecret, clock });
  now = recordedOld;
  await storePv(oldSession, 1, oldBody);
  now = recordedRecent;
  await storePv(recentSession, 1, recentBody);
  // Recorded, but its file never reached the vault.
  await store.append(
    `session-${recentSession}`,
    1,
    [{ type: 'PVDocumentStored', data: { revision: 2, objectKey: `pv/${recentSession}/absent.pdf`, versionId: 'etag:"0"', sha256: 'c'.repeat(64), sizeBytes: 10 } }],
    { actor: actorOf('lyon'), scope: centres.lyon, correlationId: 'pv-absent', causationId: 'pv-absent', occurredAt: clock.now() },
  );
  const edge = httpEdge(
    createHistoryHandler({
      service: new HistoryService({
        store,
        cursorSecret,
        documents: new S3DocumentLinks(createS3Client({ endpoint: s3.endpoint, maxAttempts: 1 }), s3.vault),
        pvKeptDays: PV_DAYS,
        clock,
      }),
      verify: () => Promise.reject(new Error('the tests carry verified claims')),
    }),
    { errorPage: historyErrorPage },
  );
  handler = (path, claims) => edge(apiRequest(path, {}, claims, { accept: 'text/html' }), lambdaContext) as Promise<HttpResponse>;
  // An hour after the recent PV was recorded: far past any link a page could have held since.
  now = new Date(recordedRecent.getTime() + 3_600_000);
}, 60_000);

afterAll(async () => {
  await s3?.stop();
  await dynamo?.stop();
});

const timeline = (sessionId: string, claims: TokenClaims = readers.centreLyon) => handler(`/sessions/${sessionId}/historique`, claims);
const download = (sessionId: string, revision: number | string, claims: TokenClaims = readers.centreLyon) => handler(`/sessions/${sessionId}/historique/pv/${revision}`, claims);

describe('the PV files of a timeline', () => {
  it('are linked to the history’s own download route, the page holding no presigned S3 URL', async () => {
    const page = await timeline(recentSession);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/sessions/${recentSession}/historique/pv/1"`);
    expect(page.body).toContain('Télécharger le procès-verbal signé (révision 1)');
    expect(page.body).not.toMatch(/X-Amz-|amazonaws\.com/);
    expect(page.body).not.toContain(s3.endpoint);
  });

  it('redirect, at the click, to a link signed then that opens the stored PV, and is never cached', async () => {
    const response = await download(recentSession, 1);
    expect(response.statusCode).toBe(302);
    expect(response.headers['cache-control']).toBe('no-store');
    const location = response.headers.location ?? '';
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('60');
    // Signed at the click: an hour after the PV was recorded, the link is good.
    const file = await fetch(location);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(recentBody);
  });

  const outside: readonly ReaderName[] = ['centreGrenoble', 'ud75', 'region11', 'juror'];
  it.each(outside)('are refused to %s, outside the session’s scope, exactly as its timeline is', async (reader) => {
    const page = await timeline(recentSession, readers[reader]);
    expect(page.statusCode).toBeGreaterThanOrEqual(403);
    const refused = await download(recentSession, 1, readers[reader]);
    expect(refused.statusCode).toBe(page.statusCode);
    expect(refused.headers.location).toBeUndefined();
    expect(refused.body).not.toMatch(/X-Amz-/);
  });

  it('answer another centre exactly as a session that does not exist, whatever the revision', async () => {
    const observed = (response: HttpResponse) => ({ status: response.statusCode, body: response.body, type: response.headers['content-type'] });
    const unknown = observed(await download('ses_nulle-part', 1, readers.centreGrenoble));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('Cette session est introuvable.');
    expect(observed(await download(recentSession, 1, readers.centreGrenoble))).toEqual(unknown);
    expect(observed(await download(recentSession, 7, readers.centreGrenoble))).toEqual(unknown);
    expect(observed(await download(recentSession, 'abc', readers.centreGrenoble))).toEqual(unknown);
  });

  it('answer a French page, not S3’s XML, for a revision never stored and for a file missing from the vault', async () => {
    for (const revision of [2, 3, 'abc']) {
      const response = await download(recentSession, revision);
      expect(response.statusCode, String(revision)).toBe(404);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('Procès-verbal introuvable');
      expect(response.body).toContain(`href="/sessions/${recentSession}/historique"`);
      expect(response.body).not.toMatch(/<\?xml|NoSuchKey|X-Amz-/);
    }
  });
});

describe('a PV file past its retention period', () => {
  it('once the purge deleted it, shows the French note instead of a download, and its route answers a French 410 page', async () => {
    now = new Date(recordedOld.getTime() + (PV_DAYS + 1) * DAY);
    const purge = await purgeExpired(
      {
        events: new StoreRecordedEvents(store),
        personalData: {
          eraseCandidate: () => Promise.resolve(),
          holdCandidate: () => Promise.resolve(),
          candidateHolds: async function* () {},
          releaseCandidateHold: () => Promise.resolve(),
        },
        pv: new S3PvObjects(createS3Client({ endpoint: s3.endpoint, maxAttempts: 1 }), { vault: s3.vault, uploads: s3.uploads }),
        clock,
      },
      retentionSettingsOf({ pvDays: PV_DAYS }),
    );
    expect(purge).toMatchObject({ pvFilesDeleted: 1, failures: 0 });

    const page = await timeline(oldSession);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Fichier supprimé au terme de sa durée de conservation, le 04/04/2027.');
    expect(page.body).not.toContain(`/historique/pv/1`);
    expect(page.body).not.toContain('Télécharger');

    const gone = await download(oldSession, 1);
    expect(gone.statusCode).toBe(410);
    expect(gone.headers['content-type']).toContain('text/html');
    expect(gone.headers.location).toBeUndefined();
    expect(gone.body).toContain('Procès-verbal supprimé');
    expect(gone.body).toContain('a été supprimé au terme de sa durée de conservation, le 04/04/2027');
    expect(gone.body).not.toMatch(/<\?xml|NoSuchKey|X-Amz-/);

    // The recent session's PV is within its period: still downloaded.
    expect((await download(recentSession, 1)).statusCode).toBe(302);
  });
});
