import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent, StoredEvent } from '../../events/index.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import type { Notifier } from '../../shared/mail/notifier.js';
import { fixedClock } from '../../shared/platform/clock.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { contacts, sealsChecked, sessionCreated } from './fixtures.js';
import { append, eventStoreOn, notifierOn, startSes, type LocalSes } from './support.js';

/*
 * A session cancelled, or a member taken off its jury, after the convocations: the people it
 * concerned are told, and the invitation in the jurors' calendars is withdrawn (an .ics CANCEL
 * repeating the convocation's UID). Through the notifier, the outbox and the SES emulator.
 */

let dynamo: LocalDynamo;
let ses: LocalSes;
let store: DynamoEventStore;
let notifier: Notifier;
const versions = new Map<string, number>();
const clock = fixedClock('2027-02-10T09:00:00Z');
const streamId = 'session-ses_cancel';

/** Appends a commit and notifies it, as the stream would (twice: a redelivery sends nothing new). */
const commit = async (events: DomainEvent[], stream = streamId): Promise<readonly StoredEvent[]> => {
  const result = await append(store, stream, versions.get(stream) ?? 0, events);
  versions.set(stream, result.version);
  await notifier.onCommit(result.events);
  await notifier.onCommit(result.events);
  return result.events;
};

const newMails = async (before: number) => (await ses.emails()).slice(before);
const icsOf = (mail: Awaited<ReturnType<LocalSes['emails']>>[number] | undefined) => Buffer.from(mail?.attachments[0]?.content ?? '', 'base64').toString('utf8');
const uidOf = (ics: string) => ics.split('\r\n').find((line) => line.startsWith('UID:'));
/** The address a mail went to, with or without a display name. */
const addressOf = (mail: Awaited<ReturnType<LocalSes['emails']>>[number]) => {
  const to = mail.destination.to[0] ?? '';
  return /<([^>]+)>/.exec(to)?.[1] ?? to;
};
const to = (address: string) => (mail: Awaited<ReturnType<LocalSes['emails']>>[number]) => mail.destination.to.some((t) => t.includes(address));

beforeAll(async () => {
  dynamo = await startDynalite('cancellation-mail');
  ses = await startSes();
  store = eventStoreOn(dynamo);
  notifier = notifierOn(dynamo, ses, clock, contacts(), store);
});

afterAll(async () => {
  await ses.stop();
  await dynamo.stop();
});

describe('mails when a session is cancelled or a juror taken off its jury', () => {
  it('given two convoked jurors, when one is taken off the jury and then the session is cancelled, then each is told once, with a calendar cancellation of their own invitation, and the candidates are told', async () => {
    await commit([sessionCreated('ses_cancel', { late: false, startDate: '2027-03-15' })]);
    await commit([{ type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: [] } }]);
    await commit([{ type: 'JuryAssigned', data: { jurorId: 'jur_marc', habilitationId: 'hab_marc-1', tiedCandidateIds: [] } }]);
    const beforeConvocations = (await ses.emails()).length;
    await commit([{ type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: ['jur_anne', 'jur_marc'], sentOn: '2027-02-10', dueOn: '2027-02-13', late: false } }]);
    const convocations = await newMails(beforeConvocations);
    const annesInvitation = uidOf(icsOf(convocations.find(to('anne.martin@example.org'))));
    const marcsInvitation = uidOf(icsOf(convocations.find(to('marc.durand@example.org'))));
    expect(annesInvitation).toMatch(/^UID:.+@tp-sessions$/);
    expect(marcsInvitation).not.toBe(annesInvitation);

    const beforeUnassignment = (await ses.emails()).length;
    await commit([{ type: 'JurorUnassigned', data: { jurorId: 'jur_marc', reason: 'Indisponible' } }]);
    const unassigned = await newMails(beforeUnassignment);
    expect(unassigned.map((mail) => [addressOf(mail), mail.subject])).toEqual([['marc.durand@example.org', 'Vous ne faites plus partie du jury : RNCP37274, 15 mars 2027']]);
    expect(unassigned[0]?.body.text).toContain('vous a retiré(e) du jury de la session d’examen ci-dessous');
    expect(unassigned[0]?.attachments[0]?.filename).toBe('annulation.ics');
    const marcsCancellation = icsOf(unassigned[0]).split('\r\n');
    expect(marcsCancellation).toEqual(expect.arrayContaining(['METHOD:CANCEL', 'STATUS:CANCELLED', 'SEQUENCE:1', marcsInvitation]));

    const beforeCancellation = (await ses.emails()).length;
    await commit([{ type: 'SessionCancelled', data: { cancelledOn: '2027-02-20', reason: 'Plateau indisponible' } }]);
    const cancelled = await newMails(beforeCancellation);
    expect(cancelled.map(addressOf).sort()).toEqual(['alice@example.org', 'anne.martin@example.org', 'bruno@example.org']);
    expect(cancelled.every((mail) => mail.subject === 'Session annulée : RNCP37274, 15 mars 2027')).toBe(true);
    const anne = cancelled.find(to('anne.martin@example.org'));
    expect(anne?.body.text).toContain('a annulé le 20 février 2027 la session d’examen ci-dessous. Vous n’avez pas à vous y présenter.');
    expect(icsOf(anne).split('\r\n')).toEqual(expect.arrayContaining(['METHOD:CANCEL', 'STATUS:CANCELLED', annesInvitation]));
    const alice = cancelled.find(to('alice@example.org'));
    expect(alice?.attachments).toEqual([]);
    expect(alice?.body.text).toContain(
      'Pour vous inscrire à une autre session, ou pour toute question, adressez-vous au centre (Centre AFPA Lyon, responsable@afpa-lyon.example).',
    );
  });

  it('given a member struck off by the UD after day one, when the centre takes them off the jury, then their mail says they no longer sit nor sign the PV, and their calendar keeps the days they sat (no cancellation)', async () => {
    const stream = 'session-ses_struck';
    await commit([sessionCreated('ses_struck', { late: false, startDate: '2027-03-15' })], stream);
    await commit([{ type: 'JuryAssigned', data: { jurorId: 'jur_marc', habilitationId: 'hab_marc-1', tiedCandidateIds: [] } }], stream);
    await commit([{ type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: ['jur_marc'], sentOn: '2027-02-10', dueOn: '2027-02-13', late: false } }], stream);
    await commit([sealsChecked], stream);

    const before = (await ses.emails()).length;
    await commit([{ type: 'JurorUnassigned', data: { jurorId: 'jur_marc', reason: 'Habilitation retirée par l’unité départementale' } }], stream);
    const [mail, ...others] = await newMails(before);

    expect(others).toEqual([]);
    expect(mail && addressOf(mail)).toBe('marc.durand@example.org');
    expect(mail?.body.text).not.toContain('vous n’avez pas à vous y présenter');
    expect(mail?.body.text).toContain('l’unité départementale ayant retiré votre habilitation : vous n’y siégez plus et ne signerez pas son procès-verbal');
    expect(mail?.attachments).toEqual([]);
  });

  it('given a juror taken off the jury (their invitation cancelled) and designated again, when the session is cancelled, then only an invitation received since the new designation is cancelled', async () => {
    const stream = 'session-ses_again';
    const convoke: DomainEvent = { type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: ['jur_anne'], sentOn: '2027-02-10', dueOn: '2027-02-13', late: false } };
    const assign: DomainEvent = { type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: [] } };
    await commit([sessionCreated('ses_again', { late: false, startDate: '2027-03-15' })], stream);
    await commit([assign], stream);
    await commit([convoke], stream);
    await commit([{ type: 'JurorUnassigned', data: { jurorId: 'jur_anne', reason: 'Indisponible' } }], stream);
    await commit([assign], stream);

    // Designated again, not convoked again: nothing of the session is in her calendar any more.
    const before = (await ses.emails()).length;
    await commit([{ type: 'SessionCancelled', data: { cancelledOn: '2027-02-20', reason: 'Plateau indisponible' } }], stream);
    const anne = (await newMails(before)).find(to('anne.martin@example.org'));
    expect(anne?.subject).toBe('Session annulée : RNCP37274, 15 mars 2027');
    expect(anne?.attachments).toEqual([]);
    expect(anne?.body.text).not.toContain('.ics');

    // Convoked again after the new designation: that invitation's UID is the one cancelled.
    const streamAgain = 'session-ses_again2';
    await commit([sessionCreated('ses_again2', { late: false, startDate: '2027-03-15' })], streamAgain);
    await commit([assign], streamAgain);
    await commit([convoke], streamAgain);
    await commit([{ type: 'JurorUnassigned', data: { jurorId: 'jur_anne', reason: 'Indisponible' } }], streamAgain);
    await commit([assign], streamAgain);
    const beforeSecond = (await ses.emails()).length;
    await commit([convoke], streamAgain);
    const secondInvitation = uidOf(icsOf((await newMails(beforeSecond)).find(to('anne.martin@example.org'))));
    const beforeCancel = (await ses.emails()).length;
    await commit([{ type: 'SessionCancelled', data: { cancelledOn: '2027-02-20', reason: 'Plateau indisponible' } }], streamAgain);
    const cancelled = (await newMails(beforeCancel)).find(to('anne.martin@example.org'));
    expect(icsOf(cancelled).split('\r\n')).toEqual(expect.arrayContaining(['METHOD:CANCEL', secondInvitation]));
  });
});
