import { describe, expect, it } from 'vitest';
import type { DomainEvent, StoredEvent } from '../../events/index.js';
import { InMemoryContactBook } from '../../shared/directory/contacts.js';
import { Directory } from '../../shared/directory/directory.js';
import type { OutgoingMail } from '../../shared/mail/model.js';
import { defaultNotifierSettings, Notifier } from '../../shared/mail/notifier.js';
import { Recipients } from '../../shared/mail/recipients.js';
import { keptMails } from '../support/mails.js';
import { contacts, sealsChecked, sessionCreated, stored } from './fixtures.js';

/*
 * A convocation is the mail its reader acts on, and the mails take no reply (« Merci de ne pas
 * répondre »): it names whom to write to (the centre's contact, the session manager) and sends a
 * juror to the session's page, where they declare a tie with a candidate.
 */

const STREAM = 'session-ses_conv';

/** The mails of the history's `last` events, notified as one commit after the others. */
const convocations = async (history: readonly DomainEvent[], book: InMemoryContactBook = contacts(), last = 2): Promise<OutgoingMail[]> => {
  const events: StoredEvent[] = stored(STREAM, history);
  const { mails, delivery } = keptMails();
  const settings = { ...defaultNotifierSettings, appUrl: 'https://tp.example/', from: { name: 'Sessions du titre professionnel', email: 'ne-pas-repondre@tp.example' } };
  const notifier = new Notifier({ readStream: async () => ({ events }) }, new Recipients(new Directory(), book), delivery, settings, () => new Date('2027-02-01T08:00:00Z'));
  await notifier.onCommit(events.slice(-last));
  return mails;
};

const history: DomainEvent[] = [
  sessionCreated('ses_conv'),
  { type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: [] } },
  { type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: ['jur_anne'], sentOn: '2027-02-01', dueOn: '2027-02-28', late: false } },
  { type: 'ConvocationsSent', data: { audience: 'candidates', recipientIds: ['cand_alice'], sentOn: '2027-02-01', dueOn: '2027-02-28', late: false } },
];

describe('convocations name whom to write to', () => {
  it('given the centre’s contact, when jurors and candidates are convoked, then each convocation names the session manager to write to, and the juror’s links to the session’s page', async () => {
    const mails = await convocations(history);
    const juror = mails.find((mail) => mail.kind === 'juror-convocation');
    const candidate = mails.find((mail) => mail.kind === 'candidate-convocation');

    const contact = 'En cas d’empêchement ou pour toute question, adressez-vous au responsable de session : Centre AFPA Lyon, responsable@afpa-lyon.example.';
    expect(juror?.text).toContain(contact);
    expect(candidate?.text).toContain(contact);
    expect(juror?.html).toContain(contact);
    expect(juror?.text).toContain('déclarez-le sur la page de la session.\n\nPage de la session : https://tp.example/jure/sessions/ses_conv\n');
    expect(juror?.html).toContain('<a href="https://tp.example/jure/sessions/ses_conv">Page de la session</a>');
  });

  it('given a session started, when a juror is designated to fill a gap, then their mail names the session manager to write to', async () => {
    const mails = await convocations(
      [
        sessionCreated('ses_conv'),
        { type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: ['cand_alice'] } },
        sealsChecked,
        { type: 'JuryAssigned', data: { jurorId: 'jur_marc', habilitationId: 'hab_marc-1', tiedCandidateIds: [] } },
      ],
      contacts(),
      1,
    );

    expect(mails.map((mail) => [mail.kind, mail.to.email])).toEqual([['juror-designated-during-session', 'marc.durand@example.org']]);
    expect(mails[0]?.text).toContain('adressez-vous au responsable de session : Centre AFPA Lyon, responsable@afpa-lyon.example.');
  });

  it('given no contact known for the centre, when convoked, then the convocations go out without a contact line', async () => {
    const withoutCentre = new InMemoryContactBook()
      .set('juror', 'jur_anne', { email: 'anne.martin@example.org', displayName: 'Anne Martin' })
      .set('candidate', 'cand_alice', { email: 'alice@example.org', displayName: 'Alice Bernard' });

    const mails = await convocations(history, withoutCentre);

    expect(mails.map((mail) => mail.kind).sort()).toEqual(['candidate-convocation', 'juror-convocation']);
    expect(mails.filter((mail) => mail.text.includes('responsable de session :'))).toEqual([]);
  });
});
