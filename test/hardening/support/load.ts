import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createDynamoClient } from '../../../shared/aws/dynamo.js';
import { indexedStore } from '../../support/indexedStore.js';
import { approveCentres, call, centreClaims, type Answer, type HardeningRuntime } from './runtime.js';

/**
 * The load driver shared by the load test and `npm run bench:load`: concurrent submissions over
 * HTTP from many centres, a share of them on one session at once, then a check that nothing was
 * lost and every view agrees with the store.
 */
export interface LoadOptions {
  readonly centres: number;
  /** Session creations spread over the centres. */
  readonly creations: number;
  /** Whether each centre also submits its yearly programme in the burst (one mail to its UD each). */
  readonly programmes: boolean;
  /** Candidate registrations on one session, all at once. */
  readonly sameSession: number;
}

export interface LoadResult {
  readonly submissions: number;
  readonly wallMs: number;
  readonly throughputPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Problems found afterwards; empty when every accepted command is in the store and every view agrees. */
  readonly problems: readonly string[];
  readonly mails: { readonly sent: number; readonly emulator: number; readonly duplicateIds: number; readonly outbox: number };
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

const departments = ['01', '03', '07', '15', '26', '38', '42', '43', '63', '69', '73', '74'];

export const runLoad = async (h: HardeningRuntime, options: LoadOptions): Promise<LoadResult> => {
  const url = h.runtime.urls.app;
  const tokens = await Promise.all(Array.from({ length: options.centres }, (_, i) => h.sign(centreClaims(i + 1, departments[i % departments.length]))));
  await approveCentres(
    h,
    Array.from({ length: options.centres }, (_, i) => ({ n: i + 1, department: departments[i % departments.length] ?? '69' })),
  );
  const hot = await call(url, tokens[0], 'POST', '/api/sessions', {
    ceresReference: 'CERES-HOT',
    titreCode: 'RNCP37674',
    startDate: '2027-06-07',
    endDate: '2027-06-09',
    site: 'Lyon 7e',
    candidates: [{ lastName: 'Alpha', firstName: 'Un', birthDate: '1990-01-01' }],
  });
  if (hot.status !== 201) throw new Error(`hot session: ${hot.status} ${hot.text}`);
  const hotId = String(hot.json.sessionId);
  await h.runtime.drain();

  type Job = { kind: 'create' | 'register' | 'programme'; centre: number; run: () => Promise<Answer> };
  const jobs: Job[] = [];
  for (let i = 0; i < options.creations; i += 1) {
    const centre = i % options.centres;
    jobs.push({
      kind: 'create',
      centre,
      run: () =>
        call(url, tokens[centre], 'POST', '/api/sessions', {
          ceresReference: `CERES-L${i}`,
          titreCode: 'RNCP37674',
          startDate: '2027-06-07',
          endDate: '2027-06-09',
          site: `Lyon 7e, salle ${i}`,
          candidates: [{ lastName: 'Candidat', firstName: `N${i}`, birthDate: '1990-01-01' }],
        }),
    });
  }
  if (options.programmes)
    for (let centre = 0; centre < options.centres; centre += 1)
      jobs.push({
        kind: 'programme',
        centre,
        run: () =>
          call(url, tokens[centre], 'POST', '/api/programmes/2027', {
            sessions: [{ titreCode: 'RNCP37674', expectedStart: '2027-06-07', expectedEnd: '2027-06-09', expectedCandidates: 2 }],
          }),
      });
  for (let i = 0; i < options.sameSession; i += 1)
    jobs.push({
      kind: 'register',
      centre: 0,
      run: () => call(url, tokens[0], 'POST', `/api/sessions/${hotId}/candidates`, { lastName: 'Inscrit', firstName: `M${i}`, birthDate: '1991-01-01' }),
    });
  // The same-session submissions are spread through the burst, so they land while the others run.
  // Interleaved: every fourth submission goes to the hot session while the others run.
  const hotJobs = jobs.filter((job) => job.kind === 'register');
  const others = jobs.filter((job) => job.kind !== 'register');
  jobs.length = 0;
  while (hotJobs.length > 0 || others.length > 0) {
    const next = jobs.length % 4 === 0 ? (hotJobs.shift() ?? others.shift()) : (others.shift() ?? hotJobs.shift());
    if (next) jobs.push(next);
  }

  const started = performance.now();
  const answers = await Promise.all(jobs.map(async (job) => ({ job, answer: await job.run() })));
  const wallMs = performance.now() - started;

  const problems: string[] = [];
  const statuses: Record<string, number> = {};
  for (const { answer } of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  for (const { job, answer } of answers) {
    if (answer.status >= 500) problems.push(`${job.kind}: ${answer.status}`);
    else if (![200, 201, 409, 422].includes(answer.status)) problems.push(`${job.kind}: unexpected ${answer.status} ${answer.text.slice(0, 120)}`);
  }
  await h.runtime.drain();

  const client = createDynamoClient({ endpoint: h.runtime.urls.dynamodb, maxAttempts: 3 });
  const store = indexedStore({ client, tables: h.runtime.tables });
  // Every accepted creation is in the store, and its view answers its centre.
  for (const { job, answer } of answers.filter((a) => a.job.kind === 'create' && a.answer.status === 201)) {
    const sessionId = String(answer.json.sessionId);
    const stream = await store.readStream(`session-${sessionId}`);
    if (!stream.events.some((e) => e.type === 'SessionCreated')) problems.push(`lost creation ${sessionId}`);
    const view = await call(url, tokens[job.centre], 'GET', `/api/sessions/${sessionId}`);
    if (view.status !== 200) problems.push(`no view for ${sessionId}: ${view.status}`);
  }
  // The hot session: exactly the accepted registrations, in the store and in the view.
  const accepted = answers.filter((a) => a.job.kind === 'register' && (a.answer.status === 200 || a.answer.status === 201)).length;
  const hotStream = await store.readStream(`session-${hotId}`);
  const registered = hotStream.events.filter((e) => e.type === 'CandidateRegistered').length;
  if (registered !== accepted) problems.push(`hot session: ${accepted} registrations accepted, ${registered} in the store`);
  const hotView = await call(url, tokens[0], 'GET', `/api/sessions/${hotId}`);
  const viewText = hotView.text;
  const candidateIds = new Set(viewText.match(/cand_[0-9A-Z]{26}/g) ?? []);
  if (candidateIds.size !== 1 + accepted) problems.push(`hot session view lists ${candidateIds.size} candidates, expected ${1 + accepted}`);
  const verified = await store.verify(`session-${hotId}`);
  if (!verified.ok) problems.push(`hot session chain broken at ${verified.firstBrokenCommit}`);

  // One mail per notification id: the outbox's sent mails and the emulator's mailbox agree, ids unique.
  const outbox = ((await client.send(new ScanCommand({ TableName: h.runtime.tables.outbox }))).Items ?? []).map((item) => unmarshall(item));
  const sent = outbox.filter((item) => item.status === 'sent').length;
  const mailbox = (await fetch(`${h.runtime.urls.ses}/store`).then((r) => r.json())) as { emails: { messageId: string }[] };
  const ids = outbox.map((item) => String(item.pk));
  const programmesAccepted = answers.filter((a) => a.job.kind === 'programme' && a.answer.status < 300).length;
  if (sent < programmesAccepted) problems.push(`${programmesAccepted} programmes accepted, only ${sent} mails sent`);
  const duplicateIds = ids.length - new Set(ids).size;
  if (mailbox.emails.length !== sent) problems.push(`outbox says ${sent} mails sent, the mailbox holds ${mailbox.emails.length}`);
  client.destroy();

  const latencies = answers.map((a) => a.answer.ms).sort((a, b) => a - b);
  return {
    submissions: jobs.length,
    wallMs,
    throughputPerSecond: (jobs.length / wallMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: latencies.at(-1) ?? Number.NaN,
    statuses,
    problems,
    mails: { sent, emulator: mailbox.emails.length, duplicateIds, outbox: outbox.length },
  };
};
