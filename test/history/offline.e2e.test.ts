import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { AxeBuilder } from '@axe-core/playwright';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent, StoredEvent } from '../../events/index.js';
import { history } from '../../functions/history/function.js';
import { pages } from '../../functions/pages/function.js';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { createS3Client } from '../../shared/aws/s3.js';
import { PvVault } from '../../shared/vault/vault.js';
import { DynamoPersonalDataStore } from '../../shared/personalData/store.js';
import { indexedStore, type IndexedStore } from '../support/indexedStore.js';
import { CSV_COLUMNS, UTF8_BOM } from '../../shared/history/export.js';
import { startOfflineRuntime, type OfflineRuntime } from '../../infra/offline/index.js';
import { actorOf, centres, cursorSecret, seedHistory, udActor } from './fixtures.js';
import { launchChromium } from '../support/browser.js';

const run = promisify(execFile);
const cliSource = join(process.cwd(), 'scripts/history.ts');
/** The CLI bundled once (as a release would ship it): each run then starts in a blink, not a tsx compile. */
let cli: string;

let runtime: OfflineRuntime;
let dataDir: string;
let browser: Browser;
let seeded: StoredEvent[];
let store: IndexedStore;
const sessionId = 'ses_timeline-lyon';
const streamId = `session-${sessionId}`;

/** The signed PV of the session, kept in the runtime's vault. */
const pvBody = Buffer.from('%PDF-1.7 procès-verbal signé de la session de Lyon');
const pvSha256 = createHash('sha256').update(pvBody).digest('hex');
const pvKey = `pv/${sessionId}/${pvSha256}.pdf`;

/** A session's life, from creation to the validated PV, recorded by the centre and the UD. */
const lifeOfASession: { actor: 'centre' | 'ud'; events: DomainEvent[] }[] = [
  {
    actor: 'centre',
    events: [
      {
        type: 'SessionCreated',
        data: {
          sessionId,
          centreId: centres.lyon.centreId,
          department: '69',
          region: '84',
          ceresReference: 'CERES-2027-0042',
          titreCode: 'RNCP37274',
          startDate: '2027-06-14',
          endDate: '2027-06-15',
          site: 'Lyon 7e, 12 rue des Ateliers',
          candidateIds: ['cand_a-1', 'cand_a-2'],
          createdOn: '2027-03-01',
          creationDeadline: '2027-03-14',
          late: false,
        },
      },
    ],
  },
  { actor: 'centre', events: [{ type: 'CandidateWithdrawn', data: { candidateId: 'cand_a-2', reason: 'Mme Durand a déménagé <script>alert(1)</script>' } }] },
  {
    actor: 'centre',
    events: [
      {
        type: 'PVDocumentStored',
        // The file is kept in the vault in beforeAll; s3rver keeps no versions, so the intake's ETag stand-in.
        data: { revision: 1, objectKey: pvKey, versionId: `etag:"${createHash('md5').update(pvBody).digest('hex')}"`, sha256: pvSha256, sizeBytes: pvBody.length },
      },
    ],
  },
  { actor: 'ud', events: [{ type: 'PVValidated', data: { validatedOn: '2027-06-20', pvRevision: 1 } }] },
];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tp-history-'));
  // The pages function serves the style sheet the timeline links to (/static/app.css).
  runtime = await startOfflineRuntime({ dataDir, declarations: [history, pages], ports: 0, fresh: true, now: new Date('2027-03-01T08:00:00Z'), log: () => undefined });
  cli = join(dataDir, 'tp-history.mjs');
  await build({ entryPoints: [cliSource], bundle: true, platform: 'node', format: 'esm', target: 'node24', outfile: cli, logLevel: 'error', packages: 'bundle' });
  const client = createDynamoClient({ endpoint: runtime.urls.dynamodb, maxAttempts: 3 });
  // The runtime runs the history and pages functions alone: the index is written here, as the stream consumer would.
  store = indexedStore({ client, tables: runtime.tables, cursorSecret });
  seeded = await seedHistory(store, 3);
  // As the intake keeps it, with the operator's credentials (the runtime's own).
  await new PvVault(createS3Client({ endpoint: runtime.urls.s3, maxAttempts: 1 }), runtime.bucket).keep(pvKey, pvBody, pvSha256);
  let version = 0;
  for (const [i, commit] of lifeOfASession.entries()) {
    const result = await store.append(streamId, version, commit.events, {
      actor: commit.actor === 'centre' ? actorOf('lyon') : udActor('69'),
      scope: centres.lyon,
      correlationId: `life-${i}`,
      causationId: `life-${i}`,
      occurredAt: new Date(Date.UTC(2027, 5, 20, 8, i)),
    });
    version = result.version;
    seeded.push(...result.events);
  }
  // The withdrawn candidate's identity is kept (not erased): the centre reads the reason written about them.
  await new DynamoPersonalDataStore(client, runtime.tables.personalData).saveCandidates({ centreId: centres.lyon.centreId, department: '69', region: '84' }, [
    { candidateId: 'cand_a-2', lastName: 'Durand', firstName: 'Anne', birthDate: '1990-01-01' },
  ]);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Runs the CLI as a child process; resolves with its exit code and outputs, whatever the code. */
const history$ = async (args: string[], env: Record<string, string> = {}) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe('tp-history, the command line, against a running offline system', () => {
  it('prints a table of the newest events, signed in as the demo regional admin', async () => {
    const result = await history$(['--url', runtime.urls.app, '--page-size', '5']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Date \(Paris\)\s+Événement/);
    expect(lines).toHaveLength(6);
    expect(result.stdout).toContain('Procès-verbal validé');
    expect(result.stderr).toContain('--all');
  });

  it('exports every page as CSV to a file, semicolon-separated with a BOM, every event of the centre once', async () => {
    const out = join(dataDir, 'lyon.csv');
    const result = await history$([
      '--url',
      runtime.urls.app,
      '--user',
      'ud',
      '--centre',
      centres.lyon.centreId,
      '--format',
      'csv',
      '--page-size',
      '4',
      '--order',
      'asc',
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text.startsWith(`${UTF8_BOM}${CSV_COLUMNS.join(';')}\r\n`)).toBe(true);
    const ids = text
      .slice(1)
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(';')[0]);
    expect(ids).toEqual(
      seeded
        .filter((e) => e.scope.centreId === centres.lyon.centreId)
        .map((e) => e.id)
        .sort(),
    );
  });

  it('writes JSON of every page with --all, and NDJSON one event per line', async () => {
    const json = await history$(['--url', runtime.urls.app, '--session', sessionId, '--format', 'json', '--all', '--page-size', '1']);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { type: string }[]).map((e) => e.type)).toEqual(['PVValidated', 'PVDocumentStored', 'CandidateWithdrawn', 'SessionCreated']);
    const ndjson = await history$(['--url', runtime.urls.app, '--session', sessionId, '--format', 'ndjson', '--type', 'SessionCreated,PVValidated']);
    expect(ndjson.code).toBe(0);
    expect(
      ndjson.stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { type: string }).type),
    ).toEqual(['PVValidated', 'SessionCreated']);
  });

  it('exits 1 on wrong usage or a refused filter, with the reason', async () => {
    const [unknownOption, inverted] = await Promise.all([
      history$(['--url', runtime.urls.app, '--colour', 'blue']),
      history$(['--url', runtime.urls.app, '--from', '2027-03-02', '--to', '2027-03-01']),
    ]);
    expect(unknownOption.code).toBe(1);
    expect(inverted.code).toBe(1);
    expect(inverted.stderr).toContain('La fin de la période précède son début');
  });

  it('exits 2 when not allowed (a juror, a bad token, another department)', async () => {
    const [juror, badToken, otherDepartment] = await Promise.all([
      history$(['--url', runtime.urls.app, '--user', 'juror']),
      history$(['--url', runtime.urls.app, '--token', 'not-a-token']),
      history$(['--url', runtime.urls.app, '--user', 'ud', '--department', '38']),
    ]);
    expect(juror.code).toBe(2);
    expect(badToken.code).toBe(2);
    expect(otherDepartment.code).toBe(2);
    expect(otherDepartment.stderr).toContain('périmètre');
  });

  it('exits 3 when nothing is found, and 4 when the system cannot be reached', async () => {
    const [unknownSession, nothingYet, unreachable] = await Promise.all([
      history$(['--url', runtime.urls.app, '--session', 'ses_nowhere']),
      history$(['--url', runtime.urls.app, '--from', '2030-01-01']),
      history$(['--url', 'http://127.0.0.1:9', '--token', 'x']),
    ]);
    expect(unknownSession.code).toBe(3);
    expect(nothingYet.code).toBe(3);
    expect(nothingYet.stderr).toContain('No event matched.');
    expect(unreachable.code).toBe(4);
  });

  it('explains itself with --help, exit codes included', async () => {
    const help = await history$(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes');
    expect(help.stdout).toContain('4  the system failed');
  });
});

/** Ids as the system mints them: a prefix and a ULID, the longest words a timeline shows. */
const ulidLike = (prefix: string, i: number) => `${prefix}_01JZ${String(i).padStart(22, '0')}`;

/** A session of forty candidates and three jurors, from creation to the signed PV: long lists, long ids. */
const longSession = (id: string): DomainEvent[][] => {
  const candidates = Array.from({ length: 40 }, (_, i) => ulidLike('cand', i));
  const jurors = [1, 2, 3].map((i) => ulidLike('jur', i));
  return [
    [
      {
        type: 'SessionCreated',
        data: {
          sessionId: id,
          centreId: centres.lyon.centreId,
          department: '69',
          region: '84',
          ceresReference: 'CERES-2027-LONGUE-0001',
          titreCode: 'RNCP37274',
          startDate: '2027-06-14',
          endDate: '2027-06-18',
          site: 'Lyon 7e, plateau technique du bâtiment B, 12 rue des Ateliers',
          candidateIds: candidates,
          createdOn: '2027-03-01',
          creationDeadline: '2027-03-14',
          late: false,
        },
      },
    ],
    ...jurors.map((jurorId, i): DomainEvent[] => [{ type: 'JuryAssigned', data: { jurorId, habilitationId: ulidLike('hab', i), tiedCandidateIds: candidates.slice(0, 5) } }]),
    [{ type: 'ConvocationsSent', data: { audience: 'candidates', recipientIds: candidates, sentOn: '2027-05-20', dueOn: '2027-05-30', late: false } }],
    [{ type: 'PlateauTechniqueChecked', data: { checkedOn: '2027-06-14', durationMinutes: 60, jurorIds: jurors, compliant: true, remarks: 'R'.repeat(300) } }],
    [{ type: 'SealsChecked', data: { checkedOn: '2027-06-14', presentCandidateIds: candidates, seed: 'f'.repeat(32), drawnCandidateId: candidates[7] ?? '', sealsIntact: true } }],
    [
      {
        type: 'PVSigned',
        data: {
          revision: 1,
          signedOn: '2027-06-18',
          decisions: candidates.map((candidateId) => ({
            candidateId,
            decision: 'reussite-partielle' as const,
            ccpObtained: ['RNCP37274BC01', 'RNCP37274BC02'],
            evaluatorIds: jurors,
          })),
          signatoryIds: jurors,
          documentSha256: 'b'.repeat(64),
        },
      },
    ],
    [{ type: 'PVDocumentStored', data: { revision: 1, objectKey: `pv/${id}/${'b'.repeat(64)}.pdf`, versionId: 'v'.repeat(60), sha256: 'b'.repeat(64), sizeBytes: 12_345_678 } }],
  ];
};

describe('the timeline page of a session, in Chromium', () => {
  const open = async (handle: string) => {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'tp_session', value: await runtime.signIn(handle), url: runtime.urls.app }]);
    const page = await context.newPage();
    const response = await page.goto(`${runtime.urls.app}/sessions/${sessionId}/historique`);
    return { context, page, status: response?.status() };
  };

  it('fits a long session in 1280 pixels: no horizontal scrolling, every field labelled in French', async () => {
    const longId = 'ses_timeline-longue';
    let version = 0;
    for (const [i, events] of longSession(longId).entries()) {
      const result = await store.append(`session-${longId}`, version, events, {
        actor: actorOf('lyon'),
        scope: centres.lyon,
        correlationId: `long-${i}`,
        causationId: `long-${i}`,
        occurredAt: new Date(Date.UTC(2027, 5, 20, 9, i)),
      });
      version = result.version;
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: 'tp_session', value: await runtime.signIn('ud'), url: runtime.urls.app }]);
    const page = await context.newPage();
    expect((await page.goto(`${runtime.urls.app}/sessions/${longId}/historique`))?.status()).toBe(200);
    await expect(page.locator('tbody tr').count()).resolves.toBe(9);
    const widths = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return { scroll: root.scrollWidth, client: root.clientWidth };
    });
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const text = (await page.locator('main').textContent()) ?? '';
    for (const raw of ['durationMinutes', 'presentCandidateIds', 'drawnCandidateId', 'seed :', 'signatoryIds', 'documentSha256']) expect(text).not.toContain(raw);
    expect(text).toContain('Candidat tiré au sort');
    await mkdir(join(process.cwd(), 'reports', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(process.cwd(), 'reports', 'screenshots', 'historique-session-longue-1280.png'), fullPage: false });
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await context.close();
  });

  it('shows every event with its French label, who and when in Paris time, the PV link and a verified chain, with no serious accessibility violation', async () => {
    const { context, page, status } = await open('ud');
    expect(status).toBe(200);
    // The session in words: its CERES reference in the title, its id in small print.
    await expect(page.locator('h1').textContent()).resolves.toContain('CERES-2027-0042');
    await expect(page.locator('main').textContent()).resolves.toContain(sessionId);
    await expect(page.locator('#chaine').textContent()).resolves.toContain('Chaîne d’intégrité vérifiée');
    const rows = page.locator('tbody tr');
    await expect(rows.count()).resolves.toBe(4);
    await expect(rows.nth(0).textContent()).resolves.toContain('Session créée dans CERES');
    await expect(rows.nth(3).textContent()).resolves.toContain('Procès-verbal validé');
    await expect(rows.nth(3).textContent()).resolves.toContain('Unité départementale');
    // Recorded 2027-03-01 around 08:xx UTC: 09:xx in Paris (winter time).
    await expect(rows.nth(0).locator('time').textContent()).resolves.toMatch(/^01\/03\/2027 09:\d{2}$/);
    // Escaped, never run.
    await expect(rows.nth(1).textContent()).resolves.toContain('<script>alert(1)</script>');
    // The page links the history's download route, which signs the S3 link at the click.
    const link = await page.getByRole('link', { name: 'Télécharger le procès-verbal signé (révision 1)' }).getAttribute('href');
    expect(link).toBe(`/sessions/${sessionId}/historique/pv/1`);
    const click = await context.request.get(`${runtime.urls.app}${link}`, { maxRedirects: 0 });
    expect(click.status()).toBe(302);
    expect(click.headers()['cache-control']).toBe('no-store');
    expect(click.headers().location).toContain('X-Amz-Signature=');
    // Followed, through the offline IAM gateway: the history function's role may read the vault's pv/.
    const file = await context.request.get(`${runtime.urls.app}${link}`);
    expect(file.status()).toBe(200);
    expect(Buffer.from(await file.body())).toEqual(pvBody);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await context.close();
  });

  it('hides a candidate free text from the regional admin and answers another centre as for an unknown session', async () => {
    const region = await open('region');
    expect(region.status).toBe(200);
    await expect(region.page.locator('tbody tr').nth(1).textContent()).resolves.not.toContain('Durand');
    await region.context.close();
    const grenoble = await open('centre2');
    expect(grenoble.status).toBe(404);
    await grenoble.context.close();
  });

  it('names the first commit that does not match once a stored commit is edited', async () => {
    const client = createDynamoClient({ endpoint: runtime.urls.dynamodb, maxAttempts: 3 });
    await client.send(
      new UpdateItemCommand({
        TableName: runtime.tables.events,
        Key: { pk: { S: streamId }, sk: { N: '2' } },
        UpdateExpression: 'SET recordedAt = :when',
        ExpressionAttributeValues: { ':when': { S: '2020-01-01T00:00:00.000Z' } },
      }),
    );
    const { context, page, status } = await open('ud');
    expect(status).toBe(200);
    const state = await page.locator('#chaine').textContent();
    expect(state).toContain('Chaîne d’intégrité rompue à l’enregistrement n° 2');
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await context.close();
  });
});
