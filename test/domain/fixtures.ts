import type { Actor } from '../../events/index.js';
import type { Agrement } from '../../shared/domain/agrement.js';
import type { Habilitation } from '../../shared/domain/juror.js';
import type { SessionCommand, SessionEvent } from '../../shared/domain/session.js';

/** A session of the Développeur web et web mobile titre in the Rhône, and the people around it. */
export const CENTRE = 'ctr_lyon-1';
export const OTHER_CENTRE = 'ctr_grenoble-2';
export const DEPT = '69';
export const REGION = '84';
export const TITRE = 'RNCP37674';
export const CCP1 = 'RNCP37674BC01';
export const CCP2 = 'RNCP37674BC02';
export const SESSION = 'ses_s1';
export const START = '2027-06-07';
export const END = '2027-06-09';
export const [ALICE, BRUNO, CHLOE] = ['jur_alice', 'jur_bruno', 'jur_chloe'] as const;
export const [CAND_A, CAND_B, CAND_C] = ['cand_a', 'cand_b', 'cand_c'] as const;
export const SHA = 'a'.repeat(64);

/** The agrément of the centre of these fixtures: the sample titres, its sites in Lyon, 2026 to 2031. */
export const agrement = (overrides: Partial<Agrement> = {}): Agrement => ({
  centreId: CENTRE,
  centreName: 'Lyon Formation',
  department: DEPT,
  region: REGION,
  titreCodes: [TITRE, 'RNCP37873'],
  sites: ['Lyon 7e, plateau numérique', 'Lyon'],
  validFrom: '2026-01-01',
  validUntil: '2031-12-31',
  ...overrides,
});

export const centre = (centreId: string = CENTRE): Actor => ({ role: 'centre', id: 'user-centre', scope: { centreId } });
export const ud = (department: string = DEPT): Actor => ({ role: 'ud', id: 'user-ud', scope: { department } });
export const jurorActor = (jurorId: string): Actor => ({ role: 'juror', id: 'user-juror', scope: { jurorId } });
export const system: Actor = { role: 'system', id: 'pv-intake', scope: {} };

export const habilitation = (jurorId: string, overrides: Partial<Habilitation> = {}): Habilitation => ({
  habilitationId: `hab_${jurorId.slice(4)}`,
  titreCode: TITRE,
  department: DEPT,
  validFrom: '2026-01-01',
  validUntil: '2028-06-30',
  professionalisationDate: '2025-11-15',
  ...overrides,
});

export const created = (overrides: Partial<Extract<SessionEvent, { type: 'SessionCreated' }>['data']> = {}): SessionEvent => ({
  type: 'SessionCreated',
  data: {
    sessionId: SESSION,
    centreId: CENTRE,
    department: DEPT,
    region: REGION,
    ceresReference: 'CERES-2027-0042',
    titreCode: TITRE,
    titreLabel: 'Développeur web et web mobile',
    startDate: START,
    endDate: END,
    site: 'Lyon 7e, plateau numérique',
    candidateIds: [CAND_A, CAND_B],
    createdOn: '2027-01-15',
    creationDeadline: '2027-03-07',
    late: false,
    ...overrides,
  },
});

export const assigned = (jurorId: string, tiedCandidateIds: string[] = []): SessionEvent => ({
  type: 'JuryAssigned',
  data: { jurorId, habilitationId: `hab_${jurorId.slice(4)}`, tiedCandidateIds },
});

export const plateauChecked: SessionEvent = {
  type: 'PlateauTechniqueChecked',
  data: { checkedOn: '2027-06-04', durationMinutes: 60, jurorIds: [ALICE, BRUNO], compliant: true },
};

export const sealsChecked: SessionEvent = {
  type: 'SealsChecked',
  data: { checkedOn: START, presentCandidateIds: [CAND_A, CAND_B], seed: '0123456789abcdef0123456789abcdef', drawnCandidateId: CAND_A, sealsIntact: true },
};

/** Created, two jurors, plateau checked: ready to start on day one. */
export const ready: SessionEvent[] = [created(), assigned(ALICE), assigned(BRUNO), plateauChecked];
/** Day one done. */
export const started: SessionEvent[] = [...ready, sealsChecked];

export const signed = (revision = 1): SessionEvent => ({
  type: 'PVSigned',
  data: {
    revision,
    signedOn: END,
    decisions: [
      { candidateId: CAND_A, decision: 'titre-obtenu', ccpObtained: [], evaluatorIds: [ALICE, BRUNO] },
      { candidateId: CAND_B, decision: 'reussite-partielle', ccpObtained: [CCP1], evaluatorIds: [ALICE, BRUNO] },
    ],
    signatoryIds: [ALICE, BRUNO],
    documentSha256: SHA,
  },
});

export const documentStored = (revision = 1): SessionEvent => ({
  type: 'PVDocumentStored',
  data: { revision, objectKey: `pv/${SESSION}/r${revision}.pdf`, versionId: 'v1', sha256: SHA, sizeBytes: 1200 },
});

export const resultsRecorded = (revision = 1): SessionEvent => ({ type: 'ResultsRecordedInCeres', data: { recordedOn: '2027-06-10', pvRevision: revision } });

export const transmitted = (revision = 1): SessionEvent => ({
  type: 'PVTransmitted',
  data: { transmittedOn: '2027-06-11', pvRevision: revision, department: DEPT },
});

export const signedHistory: SessionEvent[] = [...started, signed()];
export const transmittedHistory: SessionEvent[] = [...signedHistory, documentStored(), resultsRecorded(), transmitted()];

/** The centre's command creating the Lyon session, within its agrément. */
export const createSessionCommand = (overrides: Partial<Extract<SessionCommand, { type: 'CreateSession' }>> = {}): SessionCommand => ({
  type: 'CreateSession',
  sessionId: SESSION,
  centreId: CENTRE,
  department: DEPT,
  region: REGION,
  ceresReference: 'CERES-2027-0042',
  titreCode: TITRE,
  startDate: START,
  endDate: END,
  site: 'Lyon 7e, plateau numérique',
  candidateIds: [CAND_A, CAND_B],
  agrement: agrement(),
  ...overrides,
});
