import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import { fixedClock } from '../../shared/platform/clock.js';
import { contacts, sessionCreated } from './fixtures.js';
import { notifiedStream } from './support.js';

/*
 * The order of passage tells each candidate when they pass which test. A convocation sent once it is
 * posted says the candidate's own tests; an order posted or changed after the convocations tells
 * each convoked candidate whose tests it adds or moves, and nobody else. Through the notifier, the
 * outbox and the SES emulator; each commit notified twice.
 */

const commit = notifiedStream('passages-mail', 'session-ses_order', fixedClock('2027-02-20T09:00:00Z'), contacts());
const later = notifiedStream('passages-mail-later', 'session-ses_later', fixedClock('2027-02-20T09:00:00Z'), contacts());

const scheduled = (aliceAt: string, brunoAt: string): DomainEvent => ({
  type: 'PassagesScheduled',
  data: {
    scheduledOn: '2027-02-20',
    passages: [
      { candidateId: 'cand_alice', test: 'mise-en-situation', on: '2027-03-15', at: aliceAt },
      { candidateId: 'cand_bruno', test: 'mise-en-situation', on: '2027-03-15', at: brunoAt },
      { candidateId: 'cand_alice', test: 'entretien-final', on: '2027-03-16', at: '09:00' },
    ],
  },
});

const convocations = (recipientIds: string[]): DomainEvent => ({
  type: 'ConvocationsSent',
  data: { audience: 'candidates', recipientIds, sentOn: '2027-02-20', dueOn: '2027-02-28', late: false },
});

describe('the order of passage in the candidates’ mails', () => {
  it('given the order posted before the convocations, when the candidates are convoked, then each convocation lists the candidate’s own tests, and the jury’s points to the order on its session page; posting it mailed nobody', async () => {
    await commit([sessionCreated('ses_order', { late: false, startDate: '2027-03-15' })]);
    expect(await commit([scheduled('08:30', '13:30')])).toEqual([]);

    const convoked = await commit([convocations(['cand_alice', 'cand_bruno'])]);
    const jurors = await commit([{ type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: ['jur_anne'], sentOn: '2027-02-20', dueOn: '2027-02-28', late: false } }]);
    // The jury reads the order on its session page: no candidate's name in a juror's mail.
    expect(jurors[0]?.body.text).toContain('déclarez-le sur la page de la session, où figure aussi l’ordre de passage des candidats.');
    expect(jurors[0]?.body.text).not.toContain('Alice');

    const alice = convoked.find((mail) => mail.destination.to[0]?.includes('alice@example.org'));
    const bruno = convoked.find((mail) => mail.destination.to[0]?.includes('bruno@example.org'));
    expect(alice?.body.text).toContain(
      'Vos épreuves, selon l’ordre de passage affiché par le centre :\n\n- le 15 mars 2027 à 8 h 30 : Mise en situation professionnelle\n- le 16 mars 2027 à 9 h : Entretien final',
    );
    expect(bruno?.body.text).toContain('Votre épreuve, selon l’ordre de passage affiché par le centre :\n\n- le 15 mars 2027 à 13 h 30 : Mise en situation professionnelle');
    expect(bruno?.body.text).not.toContain('Entretien final');
  });

  it('given the candidates convoked, when the order is posted, then each convoked candidate gets their tests; when it is changed, only the one whose tests moved is told, « modifié »', async () => {
    await later([sessionCreated('ses_later', { late: false, startDate: '2027-03-15' })]);
    await later([convocations(['cand_alice'])]);

    const posted = await later([scheduled('08:30', '13:30')]);
    // Bruno was not convoked: the order reaches him with his convocation.
    expect(posted.map((mail) => [mail.destination.to[0], mail.subject])).toEqual([
      [expect.stringContaining('alice@example.org'), 'Ordre de passage : session d’examen du 15 mars 2027'],
    ]);
    expect(posted[0]?.body.text).toContain('- le 15 mars 2027 à 8 h 30 : Mise en situation professionnelle');

    await later([convocations(['cand_bruno'])]);
    const moved = await later([scheduled('08:30', '14:00')]);
    expect(moved.map((mail) => [mail.destination.to[0], mail.subject])).toEqual([
      [expect.stringContaining('bruno@example.org'), 'Ordre de passage modifié : session d’examen du 15 mars 2027'],
    ]);
    expect(moved[0]?.body.text).toContain('a modifié l’ordre de passage de la session d’examen ci-dessous');
    expect(moved[0]?.body.text).toContain('- le 15 mars 2027 à 14 h : Mise en situation professionnelle');

    expect(await later([scheduled('08:30', '14:00')])).toEqual([]);
  });
});
