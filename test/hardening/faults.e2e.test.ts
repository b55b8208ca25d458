import { createHash, randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayDeadLetters } from '../../scripts/replay-dlq.js';
import { functionDeclarations } from '../../functions/index.js';
import { startOfflineRuntime } from '../../infra/offline/index.js';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { indexedStore } from '../support/indexedStore.js';
import { outboxOnlyDeadLetter } from '../../shared/mail/sender.js';
import { mailOf } from '../../shared/mail/wiring.js';
import { configOf } from '../../shared/platform/config.js';
import { mailRetry } from '../../functions/mailRetry/function.js';
import { DynamoOutbox } from '../../shared/mail/outbox.js';
import { sweepStaleMails } from '../../shared/mail/sweeper.js';
import { systemClock, type Clock } from '../../shared/platform/clock.js';
import { injected, installFaults, setFaults } from './support/faults.js';
import { call, PERSONAL, startHardeningRuntime, type Answer, type HardeningRuntime } from './support/runtime.js';

/** A client that retries a 5xx with the same idempotency key, as the pages and the CLI do. */
const submit = async (url: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> => {
  const key = randomUUID();
  let answer: Answer | undefined;
  for (let attempt = 0; attempt < 10; attempt += 1) {
    answer = await call(url, token, method, path, body, method === 'POST' ? { 'idempotency-key': key } : {});
    if (answer.status < 500) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
  }
  return answer as Answer;
};

let h: HardeningRuntime;
let url: string;
let sessionId = '';
const mailboxes: { messageId: string; subject: string; destination: { to: string[] } }[][] = [];
const statuses: number[] = [];
let restarted: Awaited<ReturnType<typeof startOfflineRuntime>> | undefined;

/**
 * The runtime's drain reads the change feed with its own SDK client, which the faults hit too: a
 * read that fails three times makes drain throw (the feed itself retries on its next poll), so the
 * test drains again, a few times.
 */
const drain = async (runtime: { drain(): Promise<void> }) => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await runtime.drain();
    } catch (error) {
      if (attempt >= 8) throw error;
    }
  }
};

const readMailbox = async (sesUrl: string) => ((await fetch(`${sesUrl}/store`).then((r) => r.json())) as { emails: (typeof mailboxes)[number] }).emails;

beforeAll(async () => {
  installFaults(7);
  h = await startHardeningRuntime();
  url = h.runtime.urls.app;
  const ud = await h.runtime.signIn('ud');
  const centre = await h.runtime.signIn('centre');
  // DynamoDB throttles 15% of calls, S3 fails 30%, SES is down, for the whole lifecycle.
  setFaults({ dynamodb: 0.15, s3: 0.3, ses: 1 });
  const jurorIds: string[] = [];
  for (const [i, lastName] of PERSONAL.jurorNames.entries()) {
    const answer = await submit(url, ud, 'POST', '/api/jurors', {
      lastName,
      firstName: 'Camille',
      email: PERSONAL.jurorEmails[i],
      titreCode: 'RNCP37674',
      department: '69',
      validFrom: '2026-01-01',
      validUntil: '2028-06-30',
      professionalisationDate: '2025-11-15',
    });
    statuses.push(answer.status);
    jurorIds.push(String(answer.json.jurorId));
  }
  statuses.push(
    (
      await submit(url, centre, 'POST', '/api/programmes/2027', {
        sessions: [{ titreCode: 'RNCP37674', expectedStart: '2027-06-07', expectedEnd: '2027-06-09', expectedCandidates: 2 }],
      })
    ).status,
  );
  const created = await submit(url, centre, 'POST', '/api/sessions', {
    ceresReference: 'CERES-FAULTS',
    titreCode: 'RNCP37674',
    startDate: '2027-06-07',
    endDate: '2027-06-09',
    site: 'Lyon 7e',
    candidates: PERSONAL.lastNames.map((lastName, i) => ({ lastName, firstName: PERSONAL.firstNames[i], birthDate: '1990-03-12', email: PERSONAL.emails[i] })),
  });
  statuses.push(created.status);
  sessionId = String(created.json.sessionId);
  await drain(h.runtime);
  const base = `/api/sessions/${sessionId}`;
  for (const jurorId of jurorIds) statuses.push((await submit(url, centre, 'POST', `${base}/jury`, { jurorId, tiedCandidateIds: [] })).status);
  statuses.push((await submit(url, centre, 'POST', `${base}/convocations`, { audience: 'jurors' })).status);
  // A PV file arrives before the PV is signed: the intake (S3 reads, copies, deletes under faults) must quarantine it once.
  setFaults({ dynamodb: 0.15, s3: 0.3, ses: 1 }, { s3: 2 });
  const pdf = Buffer.from('%PDF-1.7\n% procès-verbal en avance\n%%EOF\n');
  const presigned = await submit(url, centre, 'POST', `${base}/pv/upload-url`, { sha256: createHash('sha256').update(pdf).digest('hex'), sizeBytes: pdf.length });
  statuses.push(presigned.status);
  statuses.push((await fetch(String(presigned.json.url), { method: 'PUT', headers: presigned.json.headers as Record<string, string>, body: pdf })).status);
  await drain(h.runtime);
  // Three more candidates, then the runtime dies before the change feed has delivered them.
  for (const n of [1, 2, 3]) statuses.push((await submit(url, centre, 'POST', `${base}/candidates`, { lastName: 'Tardif', firstName: `C${n}`, birthDate: '1992-01-01' })).status);
  mailboxes.push(await readMailbox(h.runtime.urls.ses));
  const ports = h.runtime.ports;
  await h.runtime.crash();
  setFaults({});
  restarted = await startOfflineRuntime({
    dataDir: h.dataDir,
    declarations: functionDeclarations,
    ports,
    fresh: false,
    feedPollMs: 200,
    schedulerTickMs: 3_600_000,
    log: () => undefined,
  });
  await restarted.drain();
}, 170_000);

afterAll(async () => {
  await restarted?.stop();
  await h?.stop().catch(() => undefined);
});

describe('faults during a lifecycle, then a crash in the middle of the change feed', () => {
  it('faults were really injected into DynamoDB, S3 and SES, and every command was answered without a lasting 5xx', () => {
    expect(injected.dynamodb).toBeGreaterThan(5);
    expect(injected.ses).toBeGreaterThan(0);
    expect(injected.s3).toBeGreaterThan(0);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    console.info(`faults injected: ${JSON.stringify(injected)}`);
  });

  it('after the restart every event is in the store once, the chain verifies, and the session view agrees with the store', async () => {
    const client = createDynamoClient({ endpoint: restarted?.urls.dynamodb, maxAttempts: 3 });
    const store = indexedStore({ client, tables: restarted?.tables ?? h.runtime.tables });
    const { events } = await store.readStream(`session-${sessionId}`);
    const count = (type: string) => events.filter((event) => event.type === type).length;
    expect([count('SessionCreated'), count('JuryAssigned'), count('ConvocationsSent'), count('CandidateRegistered')]).toEqual([1, 2, 1, 3]);
    expect(count('PVDocumentQuarantined') + count('PVDocumentStored')).toBe(1);
    expect(await store.verify(`session-${sessionId}`)).toMatchObject({ ok: true });
    const view = await call(restarted?.urls.app ?? url, await (restarted ?? h.runtime).signIn('centre'), 'GET', `/api/sessions/${sessionId}`);
    expect(view.status).toBe(200);
    expect(new Set(view.text.match(/cand_[0-9A-Z]{26}/g) ?? []).size).toBe(5);
    client.destroy();
  });

  it('every mail went out exactly once or sits dead ready to resend; replaying the dead-letter sends each once, and a second replay sends nothing', async () => {
    const client = createDynamoClient({ endpoint: restarted?.urls.dynamodb, maxAttempts: 3 });
    const tables = restarted?.tables ?? h.runtime.tables;
    const outboxItems = async () => ((await client.send(new ScanCommand({ TableName: tables.outbox }))).Items ?? []).map((item) => unmarshall(item));
    // A delivery still retrying through the SES outage (5 attempts with backoff, from the retry
    // queue) holds its mail as `sending` for a few seconds: let the runtime settle, bounded.
    let before = await outboxItems();
    for (let waited = 0; waited < 60 && before.some((item) => item.status === 'sending'); waited += 1) {
      if (restarted) await drain(restarted);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      before = await outboxItems();
    }
    // A delivery the crash cut short keeps its claim (`sending`) until the lease runs out; in AWS
    // the scheduled mail sweep then hands it to the delivery again. The restarted runtime's
    // scheduler is held off here, so the test runs that sweep, its clock past the lease: the
    // runtime's clock (set to START, weeks ahead of the real time), which stamped the claim.
    // (Seen when the machine is slow: the crash then falls while a mail is still being retried.)
    const cutShort = before.filter((item) => item.status === 'sending').length;
    if (cutShort > 0) {
      const pastLease: Clock = { now: () => new Date(systemClock.now().getTime() + 6 * 60_000) };
      const sweeping = mailOf(configOf(mailRetry, process.env), outboxOnlyDeadLetter, { clock: pastLease });
      const swept = await sweepStaleMails(sweeping.outbox, sweeping.delivery, pastLease);
      console.info(`mail sweep after the crash: ${JSON.stringify(swept)}`);
      expect(swept.found).toBe(cutShort);
      before = await outboxItems();
    }
    expect(before.length).toBeGreaterThan(0);
    expect(before.filter((item) => item.status !== 'sent' && item.status !== 'dead').map((item) => `${item.pk}: ${item.status}`)).toEqual([]);
    const outbox = new DynamoOutbox(client, tables.outbox);
    const first = await replayDeadLetters(outbox, mailOf(configOf(mailRetry, process.env), outboxOnlyDeadLetter).delivery);
    console.info(`dead-letter replay: ${JSON.stringify(first)}, outbox before: ${before.filter((i) => i.status === 'dead').length} dead of ${before.length}`);
    // Nothing is left dead once the outage is over: every mail SES refused during it goes out on replay.
    const left = (await outbox.listDead({ limit: 10 })).entries.map((entry) => `${entry.mail.id}: ${entry.lastError ?? ''}`);
    expect(left).toEqual([]);
    expect(first.stillDead).toBe(left.length);
    // The runtime's retry queue may be resending some of them too: let it finish.
    if (restarted) await drain(restarted);
    const second = await replayDeadLetters(outbox, mailOf(configOf(mailRetry, process.env), outboxOnlyDeadLetter).delivery);
    expect(second).toMatchObject({ replayed: left.length, sent: 0 });
    const after = await outboxItems();
    expect(after.filter((item) => item.status !== 'sent')).toHaveLength(left.length);
    mailboxes.push(await readMailbox(restarted?.urls.ses ?? ''));
    // Exactly once: the mailboxes (before and after the crash) hold one mail per outbox item marked sent.
    expect(mailboxes.flat()).toHaveLength(after.filter((item) => item.status === 'sent').length);
    client.destroy();
  }, 120_000);
});
