import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/platform/clock.js';
import { contacts, sealsChecked, sessionCreated } from './fixtures.js';
import { notifiedStream } from './support.js';

/*
 * A sanction the departmental director pronounced after a fraud report is notified to the candidate,
 * with the session, the sanction and whom to appeal to: the unit, named with its address (the mail
 * takes no reply). Through the notifier, the outbox and the SES emulator; each commit notified twice.
 */

const commit = notifiedStream('sanction-mail', 'session-ses_fraud', fixedClock('2027-04-02T09:00:00Z'), contacts());

describe('a sanction notified to the candidate', () => {
  it('given a fraud reported on day one, when the UD notifies a ban, then the candidate gets one mail naming the sanction, its length and the unit to appeal to, with its address', async () => {
    await commit([sessionCreated('ses_fraud', { late: false, startDate: '2027-03-15' })]);
    await commit([sealsChecked]);
    expect(await commit([{ type: 'FraudReported', data: { candidateId: 'cand_alice', reportedBy: 'jury', reportedOn: '2027-03-15', facts: 'Documents non autorisés' } }])).toEqual(
      [],
    );

    const notified = await commit([
      { type: 'SanctionNotified', data: { candidateId: 'cand_alice', sanction: 'interdiction', banMonths: 12, pronouncedOn: '2027-04-01', notifiedOn: '2027-04-02' } },
    ]);

    expect(notified.map((mail) => [mail.destination.to[0], mail.subject])).toEqual([[expect.stringContaining('alice@example.org'), 'Notification d’une sanction']]);
    const text = notified[0]?.body.text ?? '';
    expect(text).toContain('le directeur départemental a prononcé le 1er avril 2027');
    expect(text).toContain('d’une durée de 12 mois');
    expect(text).toContain(
      'Vous pouvez former un recours auprès de l’unité départementale qui a prononcé la sanction (DDETS du Rhône, ddets-titres-professionnels@rhone.gouv.fr).',
    );
    expect(text).not.toContain('Documents non autorisés');
  });
});
