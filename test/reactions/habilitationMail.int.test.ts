import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/platform/clock.js';
import { contacts } from './fixtures.js';
import { notifiedStream } from './support.js';

/*
 * A juror is told by mail when the UD habilitates them and when it withdraws a habilitation, with
 * the titre and the reason. Through the notifier, the outbox and the SES emulator; each commit is
 * notified twice (a redelivery sends nothing new).
 */

const commit = notifiedStream(
  'habilitation-mail',
  'juror-jur_anne',
  fixedClock('2027-02-10T09:00:00Z'),
  contacts(),
  { department: '69', region: '84' },
  {
    'titre-RNCP37274': [
      {
        type: 'TitreRecorded',
        data: { titreCode: 'RNCP37274', label: 'Développeur web et web mobile', ccps: [{ code: 'RNCP37274BC01', label: 'Front-end' }], validUntil: '2029-12-31', source: 'rncp' },
      },
    ],
  },
);

describe('mails to a juror about their habilitations', () => {
  it('given a juror habilitated by the UD, then withdrawn, then each time they get one mail in French, naming the titre by its label and code, the withdrawal with the reason', async () => {
    const habilitated = await commit([
      {
        type: 'JurorHabilitated',
        data: {
          jurorId: 'jur_anne',
          habilitationId: 'hab_anne-1',
          titreCode: 'RNCP37274',
          department: '69',
          validFrom: '2027-01-01',
          validUntil: '2029-12-31',
          professionalisationDate: '2026-11-15',
        },
      },
    ]);
    expect(habilitated.map((mail) => mail.subject)).toEqual(['Habilitation de membre de jury : Développeur web et web mobile (RNCP37274)']);
    expect(habilitated[0]?.destination.to[0]).toContain('anne.martin@example.org');
    expect(habilitated[0]?.body.text).toContain(
      'L’unité départementale (DDETS du Rhône) vous a habilité(e) membre de jury du titre professionnel Développeur web et web mobile (RNCP37274).',
    );
    expect(habilitated[0]?.body.text).toContain('Valable : du 1er janvier 2027 au 31 décembre 2029');
    expect(habilitated[0]?.body.text).toContain('https://tp.example/jure');

    const withdrawn = await commit([
      { type: 'HabilitationWithdrawn', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', withdrawnOn: '2027-02-10', reason: 'Manquement aux obligations du jury' } },
    ]);
    expect(withdrawn.map((mail) => mail.subject)).toEqual(['Retrait de votre habilitation de membre de jury : Développeur web et web mobile (RNCP37274)']);
    expect(withdrawn[0]?.body.text).toContain(
      'L’unité départementale a retiré le 10 février 2027 votre habilitation de membre de jury du titre professionnel Développeur web et web mobile (RNCP37274).',
    );
    // Whom to ask: the unit that habilitated them, by name and address.
    expect(withdrawn[0]?.body.text).toContain('Pour toute question, adressez-vous à l’unité départementale (DDETS du Rhône, ddets-titres-professionnels@rhone.gouv.fr).');
    expect(withdrawn[0]?.body.text).toContain('Motif : Manquement aux obligations du jury');
  });
});
