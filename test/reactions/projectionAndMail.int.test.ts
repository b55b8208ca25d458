import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesClient } from '../../shared/aws/ses.js';
import { Directory } from '../../shared/directory/directory.js';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { Notifier, defaultNotifierSettings } from '../../shared/mail/notifier.js';
import { DynamoOutbox } from '../../shared/mail/outbox.js';
import { Recipients } from '../../shared/mail/recipients.js';
import { MailDelivery, MailInFlightError, outboxOnlyDeadLetter, SesMailer } from '../../shared/mail/sender.js';
import { mailId } from '../../shared/mail/model.js';
import { fixedClock } from '../../shared/platform/clock.js';
import { ensureTables, tableNameMap } from '../../shared/platform/provision.js';
import { DynamoViews } from '../../shared/views/dynamoViews.js';
import { projectAll } from '../../shared/views/projection.js';
import { Projector } from '../../shared/views/projector.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { contacts, seedYear } from './fixtures.js';
import { batchOf, eventStoreOn, shuffle, startSes, streamRecords, type LocalSes } from './support.js';

let dynamo: LocalDynamo;
let ses: LocalSes;
let streams: string[];
let records: DynamoDBRecord[];
const clock = fixedClock('2027-03-26T06:00:00Z');

beforeAll(async () => {
  dynamo = await startDynalite('live');
  ses = await startSes();
  await ensureTables(dynamo.client, tableNameMap('replay'));
  streams = await seedYear(eventStoreOn(dynamo));
  records = await streamRecords(dynamo.client, dynamo.tables.events);
});

afterAll(async () => {
  await ses.stop();
  await dynamo.stop();
});

/**
 * Delivers records the way a stream does at its worst: every record twice, batches shuffled, and a
 * batch's reported failures delivered again in a later round (as Lambda retries them).
 */
const deliverChaotically = async (handle: (events: ReturnType<typeof eventsFromStreamRecord>) => Promise<unknown>, seed: number) => {
  let pending = shuffle([...records, ...records], seed);
  for (let round = 0; pending.length > 0; round += 1) {
    if (round > 10) throw new Error('records keep failing');
    const failed: DynamoDBRecord[] = [];
    for (let i = 0; i < pending.length; i += 4) {
      const batch = pending.slice(i, i + 4);
      const { batchItemFailures } = await processCommitBatch(batchOf(batch), eventsFromStreamRecord, handle);
      const ids = new Set(batchItemFailures.map((f) => f.itemIdentifier));
      failed.push(...batch.filter((r) => ids.has(r.dynamodb?.SequenceNumber ?? '')));
    }
    pending = shuffle(failed, seed + round + 1);
  }
};

describe('projector', () => {
  it('given every record delivered twice in shuffled batches, when projected, then the views equal an in-order projection of the store', async () => {
    const store = eventStoreOn(dynamo);
    const ordered = new DynamoViews(dynamo.client, dynamo.tables.views);
    const chaotic = new DynamoViews(dynamo.client, tableNameMap('replay').views);

    // In order, once: the reference.
    const inOrder = new Projector(ordered, store);
    for (const record of records) await inOrder.apply(eventsFromStreamRecord(record.dynamodb?.NewImage ?? {}));
    // Twice, shuffled, with retries.
    const projector = new Projector(chaotic, store);
    await deliverChaotically((events) => projector.apply(events), 7);

    for (const streamId of streams) {
      const expected = projectAll((await store.readStream(streamId)).events)?.view;
      const live = await ordered.load(streamId);
      const replayed = await chaotic.load(streamId);
      expect(live).toEqual(expected);
      expect(replayed).toEqual(expected);
    }
  });

  it('given the projected year, when the pages query the views, then they see statuses, official results, jurors and the programme', async () => {
    const views = new DynamoViews(dynamo.client, dynamo.tables.views);
    const a = await views.getSessionView('ses_lyon-a');
    expect(a).toMatchObject({ status: 'pv-validated', candidateCount: 2, createdLate: true, results: { status: 'official' } });
    expect(a?.jury.map((m) => m.jurorId)).toEqual(['jur_anne', 'jur_marc']);
    expect(a?.openDeadlines).toEqual([]);
    const b = await views.getSessionView('ses_lyon-b');
    expect(b).toMatchObject({ status: 'cancelled', openDeadlines: [] });

    const ofCentre = await views.listSessionsOfCentre('ctr_lyon-1');
    expect(ofCentre.items.map((s) => s.sessionId)).toEqual(['ses_lyon-b', 'ses_lyon-a']);
    expect((await views.listSessionsOfDepartment('69')).items).toHaveLength(2);
    expect((await views.listPvToInstruct('69')).items).toEqual([]);

    const jurors = await views.listJurors('69', 'RNCP37274');
    expect(jurors.map((j) => j.jurorId).sort()).toEqual(['jur_anne', 'jur_marc']);
    expect(jurors.find((j) => j.jurorId === 'jur_marc')?.habilitations[0]?.withdrawn?.reason).toBe('Départ à la retraite');
    expect(await views.listJurors('69', 'RNCP99999')).toEqual([]);

    expect(await views.getProgrammeView('ctr_lyon-1', 2027)).toMatchObject({ submission: { onTime: true, revision: 1 } });
    expect(await views.listCentresBehind('69', 2027)).toEqual([]);
    expect(await views.listCentresBehind('69', 2028)).toEqual([{ centreId: 'ctr_lyon-1', year: 2028, reason: 'no-programme' }]);
  });

  it('given a session whose PV is transmitted, when the UD lists what to instruct, then it is there until validated', async () => {
    const store = eventStoreOn(dynamo);
    const views = new DynamoViews(dynamo.client, dynamo.tables.views);
    const events = (await store.readStream('session-ses_lyon-a')).events;
    const transmitted = projectAll(events.filter((e) => e.version <= 10));
    if (!transmitted) throw new Error('no view');
    await views.save({ ...transmitted.view, sessionId: 'ses_lyon-t' } as typeof transmitted.view, undefined);
    expect((await views.listPvToInstruct('69')).items.map((s) => s.sessionId)).toEqual(['ses_lyon-t']);
    expect((await views.listPvToInstruct('38')).items).toEqual([]);
  });
});

describe('notifier', () => {
  it('given every record delivered twice in shuffled batches, when notified, then each mail goes out once, in French, with the .ics for jurors', async () => {
    const store = eventStoreOn(dynamo);
    const from = { name: 'Sessions du titre professionnel', email: 'ne-pas-repondre@tp-sessions.example' };
    const outbox = new DynamoOutbox(dynamo.client, dynamo.tables.outbox);
    const delivery = new MailDelivery(outbox, new SesMailer(createSesClient({ endpoint: ses.endpoint, maxAttempts: 1 }), from), outboxOnlyDeadLetter, clock);
    const notifier = new Notifier(store, new Recipients(new Directory(), contacts()), delivery, { ...defaultNotifierSettings, appUrl: 'https://tp.example', from }, () =>
      clock.now(),
    );

    await deliverChaotically((events) => notifier.onCommit(events), 11);

    const mails = await ses.emails();
    // programme ×2 (UD, region), late creation, 2 juror + 2 candidate convocations, accommodations ×2,
    // PV transmitted ×2 (two revisions), PV rejected, PV validated to the centre and 2 candidates;
    // the cancelled session: its 2 candidates told (it had no jury); the jurors: 2 habilitations, 1 withdrawal.
    expect(mails).toHaveLength(20);
    const keys = mails.map((m) => `${m.destination.to.join()}|${m.subject}`);
    expect(new Set(keys).size).toBe(keys.length - 1); // the UD gets « PV à instruire » once per revision, same subject

    const anne = mails.find((m) => m.destination.to.some((t) => t.includes('anne.martin@example.org')) && m.subject.startsWith('Convocation au jury'));
    expect(anne?.body.text).toContain('Bonjour Anne Martin,');
    const ics = Buffer.from(anne?.attachments[0]?.content ?? '', 'base64').toString('utf8');
    expect(anne?.attachments[0]?.contentType).toContain('text/calendar');
    expect(ics).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Paris');
    expect(ics).toContain('DTSTART;TZID=Europe/Paris:20270315T083000');
    // Two days, each from 8:30 to 17:30: the night between is free in the juror's calendar.
    expect(ics).toContain('DTEND;TZID=Europe/Paris:20270315T173000');
    expect(ics).toContain('RRULE:FREQ=DAILY;COUNT=2');

    const rejected = mails.find((m) => m.subject.startsWith('Procès-verbal rejeté'));
    expect(rejected?.destination.to[0]).toContain('responsable@afpa-lyon.example');
    expect(rejected?.body.html).toContain('Signature manquante &lt;b&gt;page 2&lt;/b&gt;');
    expect(rejected?.body.html).not.toContain('<b>page 2</b>');
    expect(rejected?.body.text).toContain('Motif : Signature manquante <b>page 2</b>');

    const late = mails.find((m) => m.subject.startsWith('Session créée hors délai'));
    expect(late?.destination.to[0]).toContain('ddets-titres-professionnels@rhone.gouv.fr');
    const region = mails.filter((m) => m.destination.to.some((t) => t.includes('ara.titres-professionnels@direccte.gouv.fr')));
    expect(region.map((m) => m.subject)).toEqual(['Programmation prévisionnelle 2027 reçue du centre ctr_lyon-1']);

    const alice = mails.find((m) => m.destination.to.some((t) => t.includes('alice@example.org')) && m.subject.startsWith('Votre résultat officiel'));
    expect(alice?.body.text).toContain('Résultat : Titre obtenu');
    expect(alice?.body.text).toContain('CCP obtenus (acquis définitivement) : CCP-1 ; CCP-2');
    expect(alice?.body.text).not.toContain('cand_bruno');
  });

  it('given one mail of a commit held by another sender (a crash mid-commit left its claim), when the commit is notified, then the other mails go out and the record fails for the held one only', async () => {
    await ensureTables(dynamo.client, tableNameMap('held'));
    const store = eventStoreOn(dynamo);
    const from = { name: 'Sessions du titre professionnel', email: 'ne-pas-repondre@tp-sessions.example' };
    const outbox = new DynamoOutbox(dynamo.client, tableNameMap('held').outbox);
    const delivery = new MailDelivery(outbox, new SesMailer(createSesClient({ endpoint: ses.endpoint, maxAttempts: 1 }), from), outboxOnlyDeadLetter, clock);
    const notifier = new Notifier(store, new Recipients(new Directory(), contacts()), delivery, { ...defaultNotifierSettings, appUrl: 'https://tp.example', from }, () =>
      clock.now(),
    );
    const convocation = (await store.readStream('session-ses_lyon-a')).events.find((e) => e.type === 'ConvocationsSent' && e.data.audience === 'jurors');
    if (!convocation) throw new Error('no convocation of the jury in the seeded year');
    const anne = mailId(convocation.id, 'juror-convocation', 'juror#jur_anne');
    const marc = mailId(convocation.id, 'juror-convocation', 'juror#jur_marc');
    // Anne's mail, first of the commit, claimed by a sender that died a moment ago.
    const placeholder = {
      id: anne,
      kind: 'juror-convocation',
      causeId: convocation.id,
      to: { key: 'juror#jur_anne', email: 'x@example.org', name: '' },
      subject: '',
      text: '',
      html: '',
      attachments: [],
    } as const;
    await outbox.claim({ ...placeholder, attachments: [] }, clock.now());

    await expect(notifier.onCommit([convocation])).rejects.toThrow(MailInFlightError);

    expect(await outbox.get(marc)).toMatchObject({ status: 'sent' });
    expect(await outbox.get(anne)).toMatchObject({ status: 'sending', attempts: 1 });
  });
});
