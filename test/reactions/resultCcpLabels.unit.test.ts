import { describe, expect, it } from 'vitest';
import type { DomainEvent, StoredEvent } from '../../events/index.js';
import { Directory } from '../../shared/directory/directory.js';
import type { OutgoingMail } from '../../shared/mail/model.js';
import { defaultNotifierSettings, Notifier } from '../../shared/mail/notifier.js';
import { Recipients } from '../../shared/mail/recipients.js';
import { keptMails } from '../support/mails.js';
import { contacts, sealsChecked, sessionCreated, stored } from './fixtures.js';

/*
 * A partial success keeps the CCP blocks obtained for life: the candidate and the centre read
 * which ones in words, as the titre's record names them (« Développer la partie front-end… »), not
 * by a code like RNCP37274BC01 that only the RNCP's tables explain.
 */

const SESSION = 'session-ses_ccp';

const titre = (ccps: { code: string; label: string }[]): DomainEvent => ({
  type: 'TitreRecorded',
  data: { titreCode: 'RNCP37274', label: 'Développeur web et web mobile', ccps, validUntil: '2028-12-31', source: 'rncp' },
});

const history: DomainEvent[] = [
  sessionCreated('ses_ccp'),
  { type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: [] } },
  sealsChecked,
  {
    type: 'PVSigned',
    data: {
      revision: 1,
      signedOn: '2027-03-16',
      decisions: [
        { candidateId: 'cand_alice', decision: 'titre-obtenu', ccpObtained: [], evaluatorIds: ['jur_anne'] },
        { candidateId: 'cand_bruno', decision: 'reussite-partielle', ccpObtained: ['RNCP37274BC01', 'RNCP37274BC02'], evaluatorIds: ['jur_anne'] },
      ],
      signatoryIds: ['jur_anne'],
      documentSha256: 'a'.repeat(64),
    },
  },
  { type: 'PVTransmitted', data: { transmittedOn: '2027-03-18', pvRevision: 1, department: '69' } },
  { type: 'PVValidated', data: { validatedOn: '2027-03-25', pvRevision: 1 } },
];

/** The mails of the PV's validation, with the titre's stream as recorded (one record, or two: the last one counts). */
const resultMails = async (titreRecords: readonly DomainEvent[]): Promise<OutgoingMail[]> => {
  const streams = new Map<string, StoredEvent[]>([
    [SESSION, stored(SESSION, history)],
    ['titre-RNCP37274', stored('titre-RNCP37274', titreRecords)],
  ]);
  const { mails, delivery } = keptMails();
  const settings = { ...defaultNotifierSettings, appUrl: 'https://tp.example/', from: { name: 'Sessions du titre professionnel', email: 'ne-pas-repondre@tp.example' } };
  const notifier = new Notifier(
    { readStream: async (streamId) => ({ events: streams.get(streamId) ?? [] }) },
    new Recipients(new Directory(), contacts()),
    delivery,
    settings,
    () => new Date('2027-03-25T08:00:00Z'),
  );
  await notifier.onCommit(stored(SESSION, history).slice(-1));
  return mails;
};

describe('the CCP blocks of a partial success, in the results mails', () => {
  it('given the titre recorded with its blocks, revised since, when the PV is validated, then the candidate and the centre read the blocks obtained by their latest labels, with their codes', async () => {
    const mails = await resultMails([
      titre([
        { code: 'RNCP37274BC01', label: 'Ancien intitulé' },
        { code: 'RNCP37274BC02', label: 'Ancien intitulé 2' },
      ]),
      titre([
        { code: 'RNCP37274BC01', label: 'Développer la partie front-end d’une application web ou web mobile sécurisée' },
        { code: 'RNCP37274BC02', label: 'Développer la partie back-end d’une application web ou web mobile sécurisée' },
      ]),
    ]);
    const bruno = mails.find((mail) => mail.kind === 'pv-validated-candidate' && mail.to.email === 'bruno@example.org');
    const centre = mails.find((mail) => mail.kind === 'pv-validated-centre');

    const blocks =
      'Développer la partie front-end d’une application web ou web mobile sécurisée (RNCP37274BC01) ; Développer la partie back-end d’une application web ou web mobile sécurisée (RNCP37274BC02)';
    expect(bruno?.text).toContain(`CCP obtenus (acquis définitivement) : ${blocks}\n`);
    expect(centre?.text).toContain(`(CCP obtenus : ${blocks})`);
    expect(centre?.text).not.toContain('Ancien intitulé');
  });

  it('given a titre whose record lacks a block (or no record at all), when the PV is validated, then that block is named by its code, and the mails still go out', async () => {
    const partial = await resultMails([titre([{ code: 'RNCP37274BC01', label: 'Développer la partie front-end d’une application web ou web mobile sécurisée' }])]);
    const bruno = partial.find((mail) => mail.kind === 'pv-validated-candidate' && mail.to.email === 'bruno@example.org');
    expect(bruno?.text).toContain(
      'CCP obtenus (acquis définitivement) : Développer la partie front-end d’une application web ou web mobile sécurisée (RNCP37274BC01) ; RNCP37274BC02\n',
    );

    const none = await resultMails([]);
    expect(none.map((mail) => mail.kind).sort()).toEqual(['pv-validated-candidate', 'pv-validated-candidate', 'pv-validated-centre']);
    expect(none.find((mail) => mail.to.email === 'bruno@example.org')?.text).toContain('CCP obtenus (acquis définitivement) : RNCP37274BC01 ; RNCP37274BC02\n');
  });
});
