import type { DomainEvent, StoredEvent } from '../../events/index.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { InMemoryContactBook } from '../../shared/directory/contacts.js';
import { append } from './support.js';

/** A realistic slice of a year: two juror streams, a programme, a session up to a validated PV and one rejected. */
const PV_SHA = 'a'.repeat(64);

const habilitation = (jurorId: string, habilitationId: string): DomainEvent => ({
  type: 'JurorHabilitated',
  data: { jurorId, habilitationId, titreCode: 'RNCP37274', department: '69', validFrom: '2026-01-01', validUntil: '2029-12-31', professionalisationDate: '2025-11-15' },
});

export const sessionCreated = (sessionId: string, options: { late?: boolean; plannedSessionId?: string; startDate?: string } = {}): DomainEvent => ({
  type: 'SessionCreated',
  data: {
    sessionId,
    centreId: 'ctr_lyon-1',
    department: '69',
    region: '84',
    ...(options.plannedSessionId ? { plannedSessionId: options.plannedSessionId } : {}),
    ceresReference: `CERES-${sessionId}`,
    titreCode: 'RNCP37274',
    startDate: options.startDate ?? '2027-03-15',
    endDate: options.startDate ?? '2027-03-16',
    site: 'AFPA Lyon, 12 rue <Vaubecour> & Cie',
    candidateIds: ['cand_alice', 'cand_bruno'],
    createdOn: '2027-01-10',
    creationDeadline: '2026-12-15',
    late: options.late ?? true,
  },
});

/** Day one of the seeded sessions (15 March 2027): both candidates present, cand_bruno drawn. */
export const sealsChecked: DomainEvent = {
  type: 'SealsChecked',
  data: {
    checkedOn: '2027-03-15',
    presentCandidateIds: ['cand_alice', 'cand_bruno'],
    seed: '0123456789abcdef0123456789abcdef',
    drawnCandidateId: 'cand_bruno',
    sealsIntact: true,
  },
};

const signed = (revision: number): DomainEvent => ({
  type: 'PVSigned',
  data: {
    revision,
    signedOn: '2027-03-16',
    decisions: [
      { candidateId: 'cand_alice', decision: 'titre-obtenu', ccpObtained: ['CCP-1', 'CCP-2'], evaluatorIds: ['jur_anne'] },
      { candidateId: 'cand_bruno', decision: 'reussite-partielle', ccpObtained: ['CCP-1'], evaluatorIds: ['jur_anne'] },
    ],
    signatoryIds: ['jur_anne', 'jur_marc'],
    documentSha256: PV_SHA,
  },
});

/** Appends the fixture streams, several commits each; returns the stream ids. */
export const seedYear = async (store: DynamoEventStore): Promise<string[]> => {
  await append(store, 'juror-jur_anne', 0, [habilitation('jur_anne', 'hab_anne-1')]);
  await append(store, 'juror-jur_marc', 0, [habilitation('jur_marc', 'hab_marc-1')]);
  await append(store, 'juror-jur_marc', 1, [
    { type: 'HabilitationWithdrawn', data: { jurorId: 'jur_marc', habilitationId: 'hab_marc-1', withdrawnOn: '2027-06-01', reason: 'Départ à la retraite' } },
  ]);

  const programme = 'programme-ctr_lyon-1-2027';
  await append(store, programme, 0, [
    {
      type: 'SessionPlanned',
      data: {
        plannedSessionId: 'pln_a',
        centreId: 'ctr_lyon-1',
        year: 2027,
        titreCode: 'RNCP37274',
        expectedStart: '2027-03-15',
        expectedEnd: '2027-03-16',
        expectedCandidates: 8,
      },
    },
    {
      type: 'SessionPlanned',
      data: {
        plannedSessionId: 'pln_b',
        centreId: 'ctr_lyon-1',
        year: 2027,
        titreCode: 'RNCP37274',
        expectedStart: '2027-09-13',
        expectedEnd: '2027-09-14',
        expectedCandidates: 8,
      },
    },
  ]);
  await append(store, programme, 2, [
    {
      type: 'ProgrammeSubmitted',
      data: {
        centreId: 'ctr_lyon-1',
        year: 2027,
        revision: 1,
        plannedSessionIds: ['pln_a', 'pln_b'],
        withdrawnPlannedSessionIds: [],
        submittedOn: '2027-01-20',
        deadline: '2027-01-31',
        onTime: true,
      },
    },
  ]);

  const a = 'session-ses_lyon-a';
  let v = 0;
  const next = async (events: DomainEvent[]) => {
    const result = await append(store, a, v, events);
    v = result.version;
  };
  await next([sessionCreated('ses_lyon-a', { plannedSessionId: 'pln_a' })]);
  await next([{ type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: [] } }]);
  await next([{ type: 'JuryAssigned', data: { jurorId: 'jur_marc', habilitationId: 'hab_marc-1', tiedCandidateIds: ['cand_bruno'] } }]);
  await next([{ type: 'AccommodationGranted', data: { candidateId: 'cand_alice', accommodationId: 'acc_alice-1' } }]);
  await next([{ type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: ['jur_anne', 'jur_marc'], sentOn: '2027-02-01', dueOn: '2027-02-28', late: false } }]);
  await next([{ type: 'ConvocationsSent', data: { audience: 'candidates', recipientIds: ['cand_alice', 'cand_bruno'], sentOn: '2027-02-01', dueOn: '2027-02-28', late: false } }]);
  await next([{ type: 'JuryInformedOfAccommodations', data: { accommodationIds: ['acc_alice-1'], informedOn: '2027-03-01' } }]);
  await next([sealsChecked]);
  await next([signed(1)]);
  await next([{ type: 'PVTransmitted', data: { transmittedOn: '2027-03-18', pvRevision: 1, department: '69' } }]);
  await next([{ type: 'PVRejected', data: { rejectedOn: '2027-03-20', pvRevision: 1, reason: 'Signature manquante <b>page 2</b>' } }]);
  await next([signed(2)]);
  await next([{ type: 'PVTransmitted', data: { transmittedOn: '2027-03-22', pvRevision: 2, department: '69' } }]);
  await next([{ type: 'PVValidated', data: { validatedOn: '2027-03-25', pvRevision: 2 } }]);

  const b = 'session-ses_lyon-b';
  await append(store, b, 0, [sessionCreated('ses_lyon-b', { late: false, startDate: '2027-09-13' })]);
  await append(store, b, 1, [{ type: 'SessionCancelled', data: { cancelledOn: '2027-05-01', reason: 'Plateau indisponible' } }]);
  return ['juror-jur_anne', 'juror-jur_marc', programme, a, b];
};

export const contacts = () =>
  new InMemoryContactBook()
    .set('centre', 'ctr_lyon-1', { email: 'responsable@afpa-lyon.example', displayName: 'Centre AFPA Lyon' })
    .set('juror', 'jur_anne', { email: 'anne.martin@example.org', displayName: 'Anne Martin' })
    .set('juror', 'jur_marc', { email: 'marc.durand@example.org', displayName: 'Marc Durand' })
    .set('candidate', 'cand_alice', { email: 'alice@example.org', displayName: 'Alice Bernard' })
    .set('candidate', 'cand_bruno', { email: 'bruno@example.org', displayName: 'Bruno Petit' });

/** Events as the store returns them, numbered from `firstVersion` in one stream (fixed times, actor and scope). */
export const stored = (streamId: string, events: readonly DomainEvent[], firstVersion = 1): StoredEvent[] =>
  events.map(
    (event, index) =>
      ({
        ...event,
        id: `01J00000000000000000000${String(firstVersion + index).padStart(3, '0')}`,
        streamId,
        version: firstVersion + index,
        schemaVersion: 1,
        occurredAt: '2027-01-10T08:00:00.000Z',
        recordedAt: '2027-01-10T08:00:00.000Z',
        actor: { role: 'centre', id: 'usr_centre', scope: { centreId: 'ctr_lyon-1' } },
        scope: { centreId: 'ctr_lyon-1', department: '69', region: '84' },
        correlationId: 'test',
        causationId: 'test',
      }) as StoredEvent,
  );
