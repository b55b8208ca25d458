import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionDeclarations } from '../../functions/index.js';
import { newState, runScenario, sentMails, steps, timeline, type ScenarioContext } from '../../infra/offline/demo/scenario.js';
import type { OfflineRuntime } from '../../infra/offline/index.js';
import { boot, temporaryDataDir } from './support.js';

/**
 * The real functions of functions/index.ts, over HTTP, with the real AWS SDK against the
 * emulators: a session from the programme to the validated PV. The runtime is stopped half-way and
 * started again on another day (as `npm start -- --now` would): no commit is lost, no stream record
 * already acknowledged reaches a function again, no mail goes out twice.
 */
let runtime: OfflineRuntime;
let data: Awaited<ReturnType<typeof temporaryDataDir>>;
/** Stream records delivered, per function, as `pk#sk`, with the run (1 or 2) that delivered them. */
const deliveries: { fn: string; key: string; run: number }[] = [];
let run = 1;

const onInvoke = (fn: string, event: unknown) => {
  const records = (event as Partial<DynamoDBStreamEvent>).Records;
  if (!Array.isArray(records) || records[0]?.eventSource !== 'aws:dynamodb') return;
  for (const record of records) deliveries.push({ fn, key: `${record.dynamodb?.Keys?.pk?.S}#${record.dynamodb?.Keys?.sk?.N}`, run });
};

const dates = { year: 2027, start: '2027-06-07', end: '2027-06-09', validation: '2027-06-14' };
const state = newState(dates);
const context = (): ScenarioContext => ({ appUrl: runtime.urls.app, mailboxUrl: runtime.urls.mailbox, settle: () => runtime.drain() });
const clockStep = steps.findIndex((step) => step.label.startsWith('L’horloge avance'));

beforeAll(async () => {
  data = await temporaryDataDir();
  runtime = await boot(data.path, { declarations: functionDeclarations, now: new Date('2027-01-10T08:00:00Z'), onInvoke });
});
afterAll(async () => {
  await runtime?.stop();
  await data.remove();
});

describe('a session’s whole life on the offline runtime, with a restart half-way', () => {
  it('given the real functions, when the session runs from the programme to the validated PV with a restart, then nothing is lost and nothing is done twice', async () => {
    expect(clockStep).toBeGreaterThan(0);
    // Before the exam: jurors, programme, session, jury, convocations.
    await runScenario(context(), state, 0, clockStep);
    await runtime.drain();
    const before = await timeline(context());
    const mailsBefore = await sentMails(context());
    expect(before.map((e) => e.type)).toEqual(expect.arrayContaining(['JurorHabilitated', 'ProgrammeSubmitted', 'SessionCreated', 'JuryAssigned', 'ConvocationsSent']));
    expect(mailsBefore.some((m) => m.subject.startsWith('Convocation'))).toBe(true);

    // Stopped, then started again on the first exam day.
    await runtime.stop();
    run = 2;
    runtime = await boot(data.path, { declarations: functionDeclarations, ports: runtime.ports, now: new Date(`${dates.start}T06:00:00Z`), onInvoke });
    await runtime.drain();
    await runScenario(context(), state, clockStep + 1);
    await runtime.drain();

    const after = await timeline(context());
    // No commit lost: everything from before the restart is still there, in the same order.
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.map((e) => e.type)).toEqual(expect.arrayContaining(['PVSigned', 'PVDocumentStored', 'PVTransmitted', 'PVValidated']));
    expect(new Set(after.map((e) => `${e.subject}#${e.time}#${e.type}`)).size).toBe(after.length);

    // No reaction repeated: no function got a record twice, across the restart.
    const seen = new Map<string, number>();
    for (const delivery of deliveries) seen.set(`${delivery.fn}|${delivery.key}`, (seen.get(`${delivery.fn}|${delivery.key}`) ?? 0) + 1);
    expect([...seen.entries()].filter(([, count]) => count > 1)).toEqual([]);
    expect(deliveries.some((d) => d.run === 2)).toBe(true);

    // No mail twice, and the mails of the second half are there.
    const mails = await sentMails(context());
    const keys = mails.map((m) => `${m.to}|${m.subject}`);
    expect(keys.length).toBe(new Set(keys).size);
    expect(mails.slice(0, mailsBefore.length)).toEqual(mailsBefore);
    expect(mails.some((m) => m.subject.startsWith('Votre résultat officiel'))).toBe(true);
    expect(mails.some((m) => m.subject.startsWith('Procès-verbal à instruire'))).toBe(true);
  }, 120_000);
});
