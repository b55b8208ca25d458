import { describe, expect, it } from 'vitest';
import { eventDefinitions } from '../../events/index.js';
import { sessionResults } from '../../shared/domain/results.js';
import {
  creationDeadline,
  juryGaps,
  sessionDecider,
  sessionEvents,
  sessionStreamId,
  type PvDecision,
  type SessionCommand,
  type SessionEvent,
  type SessionState,
} from '../../shared/domain/session.js';
import { titreCatalogue } from '../../shared/domain/titres.js';
import { DomainError } from '../../shared/domain/errors.js';
import { drawCandidate } from '../../shared/domain/draw.js';
import type { Habilitation } from '../../shared/domain/juror.js';
import {
  ALICE,
  BRUNO,
  CAND_A,
  CAND_B,
  CAND_C,
  CCP1,
  CCP2,
  CENTRE,
  CHLOE,
  DEPT,
  END,
  OTHER_CENTRE,
  SESSION,
  SHA,
  START,
  TITRE,
  assigned,
  centre,
  created,
  documentStored,
  createSessionCommand,
  habilitation,
  jurorActor,
  plateauChecked,
  ready,
  resultsRecorded,
  sealsChecked,
  signed,
  signedHistory,
  started,
  system,
  transmitted,
  transmittedHistory,
  ud,
} from './fixtures.js';
import { contextOf, specFor } from './specification.js';

const spec = specFor(sessionDecider);
const asCentre = (at: string, centreId = CENTRE) => contextOf({ at, actor: centre(centreId) });
const asUd = (at: string, department = DEPT) => contextOf({ at, actor: ud(department) });
const fold = (events: readonly SessionEvent[]): SessionState => events.reduce(sessionDecider.evolve, sessionDecider.initialState);

const create = createSessionCommand;

const decisions: PvDecision[] = [
  { candidateId: CAND_A, decision: 'titre-obtenu', ccpObtained: [], evaluatorIds: [ALICE, BRUNO] },
  { candidateId: CAND_B, decision: 'reussite-partielle', ccpObtained: [CCP1], evaluatorIds: [ALICE, BRUNO] },
];
const sign = (overrides: Partial<Extract<SessionCommand, { type: 'SignPV' }>> = {}): SessionCommand => ({
  type: 'SignPV',
  decisions,
  signatoryIds: [ALICE, BRUNO],
  documentSha256: SHA,
  juryHabilitations: {},
  ...overrides,
});
const withDecision = (index: number, change: Partial<PvDecision>): PvDecision[] => decisions.map((d, i) => (i === index ? { ...d, ...change } : d));

describe('session: creation in CERES', () => {
  it('names its stream after the session and computes the deadline three months before the start', () => {
    expect(sessionStreamId(SESSION)).toBe('session-ses_s1');
    expect(creationDeadline('2027-05-31')).toBe('2027-02-28');
  });

  it('lists as session events exactly the catalogue’s event types of the session stream', () => {
    expect([...sessionEvents]).toEqual(eventDefinitions.filter((d) => d.stream === 'session').map((d) => d.type));
  });

  it('is created three months or more before the start, not late', () => {
    spec.given().when(create(), asCentre('2027-01-15')).then([created()]);
    spec
      .given()
      .when(create({ plannedSessionId: 'pln_p1' }), asCentre('2027-03-07'))
      .then([created({ plannedSessionId: 'pln_p1', createdOn: '2027-03-07' })]);
  });

  it('is accepted later, marked late, with a breach the UD is told about', () => {
    spec
      .given()
      .when(create(), asCentre('2027-03-08'))
      .then([created({ createdOn: '2027-03-08', late: true }), { type: 'BreachRecorded', data: { rule: 'session.creation-late', dueOn: '2027-03-07', doneOn: '2027-03-08' } }]);
  });

  it('is refused to another centre', () => {
    spec.given().when(create(), asCentre('2027-01-15', OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
    spec.given().when(create(), asUd('2027-01-15')).thenRefused('session.not-own-centre', 'forbidden');
  });

  it('is refused twice', () => {
    spec.given([created()]).when(create(), asCentre('2027-01-16')).thenRefused('session.already-created', 'conflict');
  });

  it('refuses wrong dates, an unknown or expired titre, a duplicate candidate, a blank reference or site', () => {
    spec
      .given()
      .when(create({ titreCode: 'RNCP11111' }), asCentre('2027-01-15'))
      .thenRefused('session.titre-unknown', 'not-found', /RNCP11111/);
    spec
      .given()
      .when(create({ startDate: '2027-06-31' }), asCentre('2027-01-15'))
      .thenRefused('session.date-invalid');
    spec
      .given()
      .when(create({ endDate: '2027-06-31' }), asCentre('2027-01-15'))
      .thenRefused('session.date-invalid');
    spec
      .given()
      .when(create({ endDate: '2027-06-06' }), asCentre('2027-01-15'))
      .thenRefused('session.dates-inverted');
    spec
      .given()
      .when(create({ startDate: '2027-01-14', endDate: '2027-01-16' }), asCentre('2027-01-15'))
      .thenRefused('session.start-in-past', 'rule', /14\/01\/2027/);
    spec
      .given()
      .when(create({ startDate: '2027-01-15', endDate: '2027-01-16' }), asCentre('2027-01-15'))
      .events();
    const expiring = titreCatalogue([{ code: TITRE, label: 'DWWM', ccps: [], validUntil: '2027-06-08' }]);
    spec
      .given()
      .when(create(), contextOf({ at: '2027-01-15', actor: centre(), titres: expiring }))
      .thenRefused('session.titre-expired', 'rule', /08\/06\/2027/);
    spec
      .given()
      .when(create({ endDate: '2027-06-08' }), contextOf({ at: '2027-01-15', actor: centre(), titres: expiring }))
      .events();
    spec
      .given()
      .when(create({ candidateIds: [CAND_A, CAND_B, CAND_A] }), asCentre('2027-01-15'))
      .thenRefused('candidate.duplicate', 'rule', /cand_a/);
    spec
      .given()
      .when(create({ ceresReference: '  ' }), asCentre('2027-01-15'))
      .thenRefused('input.required', 'rule', /référence CERES/);
    spec
      .given()
      .when(create({ site: '' }), asCentre('2027-01-15'))
      .thenRefused('input.required', 'rule', /lieu/);
  });
});

describe('session: candidates', () => {
  it('registers and withdraws candidates before the start', () => {
    spec
      .given([created()])
      .when({ type: 'RegisterCandidate', candidateId: CAND_C }, asCentre('2027-05-01'))
      .then([{ type: 'CandidateRegistered', data: { candidateId: CAND_C } }]);
    spec
      .given([created()])
      .when({ type: 'WithdrawCandidate', candidateId: CAND_B, reason: ' Désistement ' }, asCentre('2027-05-01'))
      .then([{ type: 'CandidateWithdrawn', data: { candidateId: CAND_B, reason: 'Désistement' } }]);
    spec
      .given([created()])
      .when({ type: 'WithdrawCandidate', candidateId: CAND_B }, asCentre('2027-05-01'))
      .then([{ type: 'CandidateWithdrawn', data: { candidateId: CAND_B } }]);
    const state = fold([created(), { type: 'CandidateRegistered', data: { candidateId: CAND_C } }, { type: 'CandidateWithdrawn', data: { candidateId: CAND_A } }]);
    expect(state.status === 'created' && state.candidateIds).toEqual([CAND_B, CAND_C]);
  });

  it('refuses a candidate twice, an unknown one, on an unknown, started or cancelled session, or by another centre', () => {
    spec
      .given([created()])
      .when({ type: 'RegisterCandidate', candidateId: CAND_A }, asCentre('2027-05-01'))
      .thenRefused('candidate.already-registered', 'conflict', /cand_a/);
    spec
      .given([created()])
      .when({ type: 'WithdrawCandidate', candidateId: CAND_C }, asCentre('2027-05-01'))
      .thenRefused('candidate.not-registered', 'not-found', /cand_c/);
    spec.given().when({ type: 'RegisterCandidate', candidateId: CAND_C }, asCentre('2027-05-01')).thenRefused('session.unknown', 'not-found');
    spec
      .given(started)
      .when({ type: 'RegisterCandidate', candidateId: CAND_C }, asCentre(START))
      .thenRefused('session.already-started', 'rule', /inscription/);
    const cancelled: SessionEvent = { type: 'SessionCancelled', data: { cancelledOn: '2027-04-01', reason: 'Trop peu de candidats' } };
    spec
      .given([created(), cancelled])
      .when({ type: 'WithdrawCandidate', candidateId: CAND_A }, asCentre('2027-05-01'))
      .thenRefused('session.cancelled', 'rule', /annulée/);
    spec.given([created()]).when({ type: 'RegisterCandidate', candidateId: CAND_C }, asCentre('2027-05-01', OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
  });
});

describe('session: jury', () => {
  const assign = (jurorId: string, habilitations = [habilitation(jurorId)], tiedCandidateIds: string[] = []): SessionCommand => ({
    type: 'AssignJuror',
    jurorId,
    habilitations,
    tiedCandidateIds,
  });

  it('assigns a juror habilitated for the titre by the UD of the session’s department, valid on every day', () => {
    spec
      .given([created()])
      .when(assign(ALICE, [habilitation(ALICE)], [CAND_B, CAND_B]), asCentre('2027-04-01'))
      .then([assigned(ALICE, [CAND_B])]);
    spec
      .given([created()])
      .when(assign(ALICE, [habilitation(ALICE, { validFrom: START, validUntil: END })]), asCentre('2027-04-01'))
      .then([assigned(ALICE)]);
  });

  it('picks the habilitation that fits among several', () => {
    const habilitations = [
      habilitation(ALICE, { habilitationId: 'hab_other-titre', titreCode: 'RNCP37873' }),
      habilitation(ALICE, { habilitationId: 'hab_other-dept', department: '38' }),
      habilitation(ALICE, { habilitationId: 'hab_withdrawn', withdrawnOn: '2027-01-01' }),
      habilitation(ALICE, { habilitationId: 'hab_good' }),
    ];
    const [event] = spec.given([created()]).when(assign(ALICE, habilitations), asCentre('2027-04-01')).events();
    expect(event?.type === 'JuryAssigned' && event.data.habilitationId).toBe('hab_good');
  });

  it('refuses a juror without a habilitation valid on every day of the session, saying why', () => {
    const refused = (habilitations: ReturnType<typeof habilitation>[], message: RegExp) =>
      spec.given([created()]).when(assign(ALICE, habilitations), asCentre('2027-04-01')).thenRefused('jury.not-habilitated', 'rule', message);
    const error = refused([], /jur_alice n’est pas habilité pour le titre RNCP37674 par l’unité départementale du 69/);
    expect(error.subject.jurorIds).toEqual([ALICE]);
    refused([habilitation(ALICE, { department: '38' })], /n’est pas habilité/);
    refused([habilitation(ALICE, { titreCode: 'RNCP37873' })], /n’est pas habilité/);
    refused([habilitation(ALICE, { validUntil: '2027-06-08' })], /pas d’habilitation valide du 07\/06\/2027 au 09\/06\/2027/);
    refused([habilitation(ALICE, { validFrom: '2027-06-08' })], /pas d’habilitation valide/);
    refused([habilitation(ALICE, { withdrawnOn: '2027-06-09' })], /pas d’habilitation valide/);
  });

  it('refuses a juror twice, a tie with an unregistered candidate, after the start or for another centre', () => {
    spec
      .given([created(), assigned(ALICE)])
      .when(assign(ALICE), asCentre('2027-04-01'))
      .thenRefused('jury.already-assigned', 'conflict');
    spec
      .given([created()])
      .when(assign(ALICE, [habilitation(ALICE)], [CAND_C]), asCentre('2027-04-01'))
      .thenRefused('candidate.not-registered', 'not-found', /cand_c/);
    spec.given(started).when(assign(CHLOE), asCentre(START)).thenRefused('session.already-started');
    spec.given([created()]).when(assign(ALICE), asCentre('2027-04-01', OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
  });

  it('lets the centre add a member once the session started only to fill a gap a tie declared since has opened, so that the PV can still be signed', () => {
    const tie: SessionEvent = { type: 'TieDeclared', data: { jurorId: BRUNO, candidateId: CAND_A } };
    const chloe: SessionEvent = { type: 'JuryAssigned', data: { jurorId: CHLOE, habilitationId: 'hab_chloe', tiedCandidateIds: [] } };
    // Bruno's tie leaves cand_a with Alice alone: the PV could never name two evaluators for them.
    spec
      .given([...started, tie])
      .when(assign(CHLOE), asCentre(START))
      .then([chloe]);
    const filled = fold([...started, tie, chloe]);
    expect(filled.status).toBe('started');
    expect(juryGaps(filled as Parameters<typeof juryGaps>[0])).toEqual([]);
    // Without a gap, the jury stays as it was on day one.
    spec.given(started).when(assign(CHLOE), asCentre(START)).thenRefused('session.already-started');
  });

  it('lets the juror or the centre declare a tie with a candidate', () => {
    const tie: SessionEvent = { type: 'TieDeclared', data: { jurorId: ALICE, candidateId: CAND_A } };
    spec
      .given(ready)
      .when({ type: 'DeclareTie', jurorId: ALICE, candidateId: CAND_A }, contextOf({ at: '2027-05-01', actor: jurorActor(ALICE) }))
      .then([tie]);
    spec.given(started).when({ type: 'DeclareTie', jurorId: ALICE, candidateId: CAND_A }, asCentre(START)).then([tie]);
    const state = fold([...ready, tie]);
    expect(state.status === 'created' && state.jury[ALICE]?.tiedCandidateIds).toEqual([CAND_A]);
  });

  it('takes a tie declared after the UD rejected the PV into account in the PV signed again', () => {
    // Leaflet: jurors « ne doivent pas évaluer, ni participer aux délibérations » about a candidate they have a tie with;
    // a PV signed again after a rejection is a new deliberation, so a tie found meanwhile must be recordable.
    const rejected: SessionEvent = { type: 'PVRejected', data: { rejectedOn: '2027-06-20', pvRevision: 1, reason: 'Lien entre jur_alice et cand_a' } };
    const history = [created(), assigned(ALICE), assigned(BRUNO), assigned(CHLOE), plateauChecked, sealsChecked];
    const pv = signed() as Extract<SessionEvent, { type: 'PVSigned' }>;
    const firstPv: SessionEvent = { type: 'PVSigned', data: { ...pv.data, signatoryIds: [ALICE, BRUNO, CHLOE] } };
    const afterRejection = [...history, firstPv, documentStored(), resultsRecorded(), transmitted(), rejected];
    const tie: SessionEvent = { type: 'TieDeclared', data: { jurorId: ALICE, candidateId: CAND_A } };
    spec.given(afterRejection).when({ type: 'DeclareTie', jurorId: ALICE, candidateId: CAND_A }, asCentre('2027-06-21')).then([tie]);
    spec
      .given([...afterRejection, tie])
      .when(sign({ signatoryIds: [ALICE, BRUNO, CHLOE] }), asCentre('2027-06-22'))
      .thenRefused('jury.tie-with-candidate', 'rule', /jur_alice/);
    spec
      .given([...afterRejection, tie])
      .when(sign({ decisions: withDecision(0, { evaluatorIds: [BRUNO, CHLOE] }), signatoryIds: [ALICE, BRUNO, CHLOE] }), asCentre('2027-06-22'))
      .events();
  });

  it('refuses a tie declared by another juror, for an unassigned juror or unregistered candidate, twice, or after the PV', () => {
    const declare = (jurorId: string, candidateId: string): SessionCommand => ({ type: 'DeclareTie', jurorId, candidateId });
    spec
      .given(ready)
      .when(declare(ALICE, CAND_A), contextOf({ at: '2027-05-01', actor: jurorActor(BRUNO) }))
      .thenRefused('session.not-own-centre', 'forbidden');
    spec
      .given(ready)
      .when(declare(CHLOE, CAND_A), asCentre('2027-05-01'))
      .thenRefused('jury.not-assigned', 'not-found', /jur_chloe/);
    spec.given(ready).when(declare(ALICE, CAND_C), asCentre('2027-05-01')).thenRefused('candidate.not-registered', 'not-found');
    spec
      .given([created(), assigned(ALICE, [CAND_A])])
      .when(declare(ALICE, CAND_A), asCentre('2027-05-01'))
      .thenRefused('tie.already-declared', 'conflict');
    spec.given(signedHistory).when(declare(ALICE, CAND_A), asCentre(END)).thenRefused('tie.too-late');
    spec.given(transmittedHistory).when(declare(ALICE, CAND_A), asCentre('2027-06-12')).thenRefused('tie.too-late');
  });

  it('unassigns a juror before the start, with a reason', () => {
    spec
      .given(ready)
      .when({ type: 'UnassignJuror', jurorId: BRUNO, reason: 'Indisponible' }, asCentre('2027-05-01'))
      .then([{ type: 'JurorUnassigned', data: { jurorId: BRUNO, reason: 'Indisponible' } }]);
    const state = fold([
      ...ready,
      { type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: [ALICE, BRUNO], sentOn: '2027-05-01', dueOn: '2027-05-23', late: false } },
      { type: 'JurorUnassigned', data: { jurorId: BRUNO, reason: 'x' } },
    ]);
    expect(state.status === 'created' && [Object.keys(state.jury), state.convokedJurorIds]).toEqual([[ALICE], [ALICE]]);
  });

  it('refuses to unassign a juror who is not in the jury, without a reason or after the start', () => {
    spec.given(ready).when({ type: 'UnassignJuror', jurorId: CHLOE, reason: 'x' }, asCentre('2027-05-01')).thenRefused('jury.not-assigned', 'not-found');
    spec.given(ready).when({ type: 'UnassignJuror', jurorId: BRUNO, reason: ' ' }, asCentre('2027-05-01')).thenRefused('input.required', 'rule', /motif/i);
    spec.given(started).when({ type: 'UnassignJuror', jurorId: BRUNO, reason: 'x' }, asCentre(START)).thenRefused('session.already-started');
    spec.given(ready).when({ type: 'UnassignJuror', jurorId: BRUNO, reason: 'x' }, asCentre('2027-05-01', OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
  });

  it('is complete with two jurors free of ties for every candidate', () => {
    const data = (events: SessionEvent[]) => {
      const state = fold(events);
      if (state.status === 'none') throw new Error('no session');
      return juryGaps(state);
    };
    expect(data([created(), assigned(ALICE), assigned(BRUNO)])).toEqual([]);
    expect(data([created(), assigned(ALICE)])).toEqual(['le jury compte 1 membre(s), il en faut au moins deux']);
    expect(data([created(), assigned(ALICE, [CAND_B]), assigned(BRUNO)])).toEqual(['le candidat cand_b n’a que 1 membre(s) du jury sans lien avec lui']);
    expect(data([created(), assigned(ALICE, [CAND_B]), assigned(BRUNO), assigned(CHLOE)])).toEqual([]);
  });
});

describe('session: accommodations', () => {
  const granted: SessionEvent = { type: 'AccommodationGranted', data: { candidateId: CAND_A, accommodationId: 'acc_1' } };

  it('grants an accommodation (a reference only) and informs the jury of those pending', () => {
    spec.given(ready).when({ type: 'GrantAccommodation', candidateId: CAND_A, accommodationId: 'acc_1' }, asCentre('2027-05-01')).then([granted]);
    spec.given(started).when({ type: 'GrantAccommodation', candidateId: CAND_A, accommodationId: 'acc_1' }, asCentre(START)).then([granted]);
    const second: SessionEvent = { type: 'AccommodationGranted', data: { candidateId: CAND_B, accommodationId: 'acc_2' } };
    const informed: SessionEvent = { type: 'JuryInformedOfAccommodations', data: { accommodationIds: ['acc_1'], informedOn: '2027-05-02' } };
    spec
      .given([...ready, granted])
      .when({ type: 'InformJuryOfAccommodations' }, asCentre('2027-05-02'))
      .then([informed]);
    spec
      .given([...ready, granted, informed, second])
      .when({ type: 'InformJuryOfAccommodations' }, asCentre('2027-05-03'))
      .then([{ type: 'JuryInformedOfAccommodations', data: { accommodationIds: ['acc_2'], informedOn: '2027-05-03' } }]);
  });

  it('refuses an accommodation for an unregistered candidate, twice, after the PV, or an empty information, and informing the jury of a cancelled session', () => {
    spec
      .given(ready)
      .when({ type: 'GrantAccommodation', candidateId: CAND_C, accommodationId: 'acc_1' }, asCentre('2027-05-01'))
      .thenRefused('candidate.not-registered', 'not-found');
    spec
      .given([...ready, granted])
      .when({ type: 'GrantAccommodation', candidateId: CAND_B, accommodationId: 'acc_1' }, asCentre('2027-05-01'))
      .thenRefused('accommodation.already-granted', 'conflict');
    spec.given(signedHistory).when({ type: 'GrantAccommodation', candidateId: CAND_B, accommodationId: 'acc_2' }, asCentre(END)).thenRefused('accommodation.too-late');
    spec.given(ready).when({ type: 'InformJuryOfAccommodations' }, asCentre('2027-05-01')).thenRefused('accommodation.none-pending');
    // A cancelled session has no jury to inform: its members would be mailed about a session that will not take place.
    spec
      .given([...ready, granted, { type: 'SessionCancelled', data: { cancelledOn: '2027-05-01', reason: 'Salle indisponible' } }])
      .when({ type: 'InformJuryOfAccommodations' }, asCentre('2027-05-02'))
      .thenRefused('session.cancelled', 'rule');
    spec
      .given([...ready, granted, { type: 'CandidateWithdrawn', data: { candidateId: CAND_A } }])
      .when({ type: 'InformJuryOfAccommodations' }, asCentre('2027-05-01'))
      .thenRefused('accommodation.none-pending');
    spec
      .given([...ready, granted])
      .when({ type: 'InformJuryOfAccommodations' }, asCentre('2027-05-01', OTHER_CENTRE))
      .thenRefused('session.not-own-centre', 'forbidden');
    spec
      .given(ready)
      .when({ type: 'GrantAccommodation', candidateId: CAND_A, accommodationId: 'acc_1' }, asCentre('2027-05-01', OTHER_CENTRE))
      .thenRefused('session.not-own-centre', 'forbidden');
  });
});

describe('session: convocations and plateau technique', () => {
  it('convokes the jurors 15 days or more before the start', () => {
    spec
      .given(ready)
      .when({ type: 'SendConvocations', audience: 'jurors' }, asCentre('2027-05-23'))
      .then([{ type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: [ALICE, BRUNO], sentOn: '2027-05-23', dueOn: '2027-05-23', late: false } }]);
  });

  it('accepts late juror convocations, marked late, with a breach', () => {
    spec
      .given(ready)
      .when({ type: 'SendConvocations', audience: 'jurors' }, asCentre('2027-05-24'))
      .then([
        { type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: [ALICE, BRUNO], sentOn: '2027-05-24', dueOn: '2027-05-23', late: true } },
        { type: 'BreachRecorded', data: { rule: 'convocation.jurors-late', dueOn: '2027-05-23', doneOn: '2027-05-24' } },
      ]);
  });

  it('reads the delays from the settings, for jurors and candidates', () => {
    const at = contextOf({ at: '2027-05-20', actor: centre(), settings: { jurorConvocationDays: 21, candidateConvocationDays: 10 } });
    const [jurors] = spec.given(ready).when({ type: 'SendConvocations', audience: 'jurors' }, at).events();
    expect(jurors?.data).toMatchObject({ dueOn: '2027-05-17', late: true });
    spec
      .given(ready)
      .when({ type: 'SendConvocations', audience: 'candidates' }, at)
      .then([{ type: 'ConvocationsSent', data: { audience: 'candidates', recipientIds: [CAND_A, CAND_B], sentOn: '2027-05-20', dueOn: '2027-05-28', late: false } }]);
    const late = spec.given(ready).when({ type: 'SendConvocations', audience: 'candidates' }, asCentre('2027-06-01')).events();
    expect(late[1]).toEqual({ type: 'BreachRecorded', data: { rule: 'convocation.candidates-late', dueOn: '2027-05-23', doneOn: '2027-06-01' } });
  });

  it('sent again, convokes only the members designated and the candidates registered since; refused when everyone was convoked', () => {
    const convoked = [
      ...ready,
      { type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: [ALICE, BRUNO], sentOn: '2027-05-01', dueOn: '2027-05-23', late: false } },
      { type: 'ConvocationsSent', data: { audience: 'candidates', recipientIds: [CAND_A, CAND_B], sentOn: '2027-05-01', dueOn: '2027-05-23', late: false } },
    ] as SessionEvent[];
    spec
      .given(convoked)
      .when({ type: 'SendConvocations', audience: 'jurors' }, asCentre('2027-05-10'))
      .thenRefused('convocation.already-sent', 'conflict', /Tous les membres du jury ont déjà reçu leur convocation/);
    spec
      .given(convoked)
      .when({ type: 'SendConvocations', audience: 'candidates' }, asCentre('2027-05-10'))
      .thenRefused('convocation.already-sent', 'conflict', /Tous les candidats inscrits/);
    spec
      .given([...convoked, assigned(CHLOE), { type: 'CandidateRegistered', data: { candidateId: CAND_C } }])
      .when({ type: 'SendConvocations', audience: 'jurors' }, asCentre('2027-05-10'))
      .then([{ type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: [CHLOE], sentOn: '2027-05-10', dueOn: '2027-05-23', late: false } }]);
    spec
      .given([...convoked, { type: 'CandidateRegistered', data: { candidateId: CAND_C } }])
      .when({ type: 'SendConvocations', audience: 'candidates' }, asCentre('2027-05-10'))
      .then([{ type: 'ConvocationsSent', data: { audience: 'candidates', recipientIds: [CAND_C], sentOn: '2027-05-10', dueOn: '2027-05-23', late: false } }]);
    // A member taken off the jury and designated again is convoked again.
    spec
      .given([...convoked, { type: 'JurorUnassigned', data: { jurorId: BRUNO, reason: 'x' } }, assigned(BRUNO)])
      .when({ type: 'SendConvocations', audience: 'jurors' }, asCentre('2027-05-10'))
      .then([{ type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: [BRUNO], sentOn: '2027-05-10', dueOn: '2027-05-23', late: false } }]);
  });

  it('refuses convocations with nobody to convoke, after the start date or by another centre', () => {
    spec
      .given([created()])
      .when({ type: 'SendConvocations', audience: 'jurors' }, asCentre('2027-05-01'))
      .thenRefused('convocation.no-recipient', 'rule', /membre du jury/);
    spec
      .given([created({ candidateIds: [] })])
      .when({ type: 'SendConvocations', audience: 'candidates' }, asCentre('2027-05-01'))
      .thenRefused('convocation.no-recipient', 'rule', /candidat/);
    spec.given(ready).when({ type: 'SendConvocations', audience: 'jurors' }, asCentre('2027-06-08')).thenRefused('convocation.after-start');
    spec.given(ready).when({ type: 'SendConvocations', audience: 'jurors' }, asCentre(START)).events();
    spec.given(started).when({ type: 'SendConvocations', audience: 'jurors' }, asCentre(START)).thenRefused('session.already-started');
    spec.given(ready).when({ type: 'SendConvocations', audience: 'jurors' }, asCentre('2027-05-01', OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
  });

  const plateau = (overrides: Partial<Extract<SessionCommand, { type: 'CheckPlateauTechnique' }>> = {}): SessionCommand => ({
    type: 'CheckPlateauTechnique',
    durationMinutes: 60,
    jurorIds: [ALICE, BRUNO],
    compliant: true,
    ...overrides,
  });

  it('records the plateau technique check with the jury before the start, and the time it took', () => {
    const jury = [created(), assigned(ALICE), assigned(BRUNO)];
    spec.given(jury).when(plateau(), asCentre('2027-06-04')).then([plateauChecked]);
    spec
      .given(jury)
      .when(plateau({ jurorIds: [ALICE, ALICE], durationMinutes: 75, compliant: false, remarks: ' Poste 3 sans IDE ' }), asCentre(START))
      .then([{ type: 'PlateauTechniqueChecked', data: { checkedOn: START, durationMinutes: 75, jurorIds: [ALICE], compliant: false, remarks: 'Poste 3 sans IDE' } }]);
    spec
      .given(jury)
      .when(plateau({ durationMinutes: 1 }), asCentre(START))
      .events();
    spec
      .given(jury)
      .when(plateau({ durationMinutes: 600, remarks: '  ' }), asCentre(START))
      .events();
  });

  it('refuses a plateau check after the start, without a juror, with a stranger or a wrong duration', () => {
    const jury = [created(), assigned(ALICE), assigned(BRUNO)];
    spec.given(jury).when(plateau(), asCentre('2027-06-08')).thenRefused('plateau.after-start');
    spec
      .given(jury)
      .when(plateau({ jurorIds: [] }), asCentre('2027-06-04'))
      .thenRefused('plateau.without-jury');
    spec
      .given(jury)
      .when(plateau({ jurorIds: [ALICE, CHLOE] }), asCentre('2027-06-04'))
      .thenRefused('jury.not-assigned', 'not-found', /jur_chloe/);
    for (const durationMinutes of [0, 601, 59.5]) {
      spec.given(jury).when(plateau({ durationMinutes }), asCentre('2027-06-04')).thenRefused('plateau.duration-invalid');
    }
    spec.given(jury).when(plateau(), asCentre('2027-06-04', OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
  });
});

describe('session: day one', () => {
  const seals = (presentCandidateIds: string[] = [CAND_A, CAND_B], sealsIntact = true): SessionCommand => ({
    type: 'CheckSeals',
    presentCandidateIds,
    sealsIntact,
    juryHabilitations: {},
  });
  const seed = 'feedfacefeedfacefeedfacefeedface';

  it('checks the seals with a candidate drawn by lot among those present, from a recorded seed', () => {
    const at = contextOf({ at: START, actor: centre(), seed });
    const [event] = spec
      .given(ready)
      .when(seals([CAND_B, CAND_A, CAND_B]), at)
      .events();
    expect(event).toEqual({
      type: 'SealsChecked',
      data: { checkedOn: START, presentCandidateIds: [CAND_B, CAND_A], seed, drawnCandidateId: drawCandidate(seed, [CAND_A, CAND_B]), sealsIntact: true },
    });
    const state = fold([...ready, event as SessionEvent]);
    expect(state.status).toBe('started');
  });

  it('refuses to start when the UD withdrew a jury member’s habilitation since the assignment, naming them and the date; with every habilitation running, the seals are checked', () => {
    const withHabilitations = (alice: Habilitation): SessionCommand => ({
      type: 'CheckSeals',
      presentCandidateIds: [CAND_A],
      sealsIntact: true,
      juryHabilitations: { [ALICE]: [alice], [BRUNO]: [habilitation(BRUNO)] },
    });

    spec
      .given(ready)
      .when(withHabilitations(habilitation(ALICE, { withdrawnOn: '2027-05-20' })), asCentre(START))
      .thenRefused('jury.habilitation-withdrawn', 'rule', /jur_alice.*retirée \(le 20\/05\/2027\)/);
    // Withdrawn from the session's last day: it no longer covers the whole session either.
    spec
      .given(ready)
      .when(withHabilitations(habilitation(ALICE, { withdrawnOn: END })), asCentre(START))
      .thenRefused('jury.habilitation-withdrawn');
    expect(
      spec
        .given(ready)
        .when(withHabilitations(habilitation(ALICE)), asCentre(START))
        .events()
        .map((event) => event.type),
    ).toEqual(['SealsChecked']);
    // Withdrawn, but renewed by a new habilitation that covers the session: still habilitated.
    const renewed: SessionCommand = {
      type: 'CheckSeals',
      presentCandidateIds: [CAND_A],
      sealsIntact: true,
      juryHabilitations: {
        [ALICE]: [habilitation(ALICE, { withdrawnOn: '2027-05-20' }), habilitation(ALICE, { habilitationId: 'hab_alice-2', validFrom: '2027-05-21' })],
        [BRUNO]: [habilitation(BRUNO)],
      },
    };
    expect(
      spec
        .given(ready)
        .when(renewed, asCentre(START))
        .events()
        .map((event) => event.type),
    ).toEqual(['SealsChecked']);
  });

  it('refuses the seal check on another day than the first', () => {
    spec
      .given(ready)
      .when(seals(), asCentre('2027-06-06'))
      .thenRefused('seals.not-day-one', 'rule', /07\/06\/2027/);
    spec.given(ready).when(seals(), asCentre('2027-06-08')).thenRefused('seals.not-day-one');
  });

  it('refuses to start without a complete jury, saying what is missing', () => {
    spec
      .given([created(), assigned(ALICE), plateauChecked])
      .when(seals(), asCentre(START))
      .thenRefused('jury.incomplete', 'rule', /1 membre/);
    spec
      .given([created(), assigned(ALICE, [CAND_A]), assigned(BRUNO), plateauChecked])
      .when(seals(), asCentre(START))
      .thenRefused('jury.incomplete', 'rule', /cand_a/);
  });

  it('refuses to start before the plateau technique was checked', () => {
    spec
      .given([created(), assigned(ALICE), assigned(BRUNO)])
      .when(seals(), asCentre(START))
      .thenRefused('plateau.not-checked');
  });

  it('refuses to start when the plateau was checked only with jurors no longer on the jury', () => {
    // Leaflet: « Il vérifie le plateau technique avec le jury (prévoir une heure) ».
    const replaced: SessionEvent[] = [
      created(),
      assigned(ALICE),
      assigned(BRUNO),
      plateauChecked,
      { type: 'JurorUnassigned', data: { jurorId: ALICE, reason: 'Indisponible' } },
      { type: 'JurorUnassigned', data: { jurorId: BRUNO, reason: 'Indisponible' } },
      assigned(CHLOE),
      assigned('jur_denis'),
    ];
    spec
      .given(replaced)
      .when(seals(), asCentre(START))
      .thenRefused('plateau.not-checked', 'rule', /jur_alice, jur_bruno, qui ne font plus partie du jury/);
    spec
      .given([...replaced, { type: 'PlateauTechniqueChecked', data: { checkedOn: '2027-06-06', durationMinutes: 60, jurorIds: [CHLOE], compliant: true } }])
      .when(seals(), asCentre(START))
      .events();
    // One juror of the check still on the jury is enough, as for the check itself.
    spec
      .given([created(), assigned(ALICE), assigned(BRUNO), plateauChecked, { type: 'JurorUnassigned', data: { jurorId: BRUNO, reason: 'Indisponible' } }, assigned(CHLOE)])
      .when(seals(), asCentre(START))
      .events();
  });

  it('refuses to start while the jury is not informed of an accommodation', () => {
    const granted: SessionEvent = { type: 'AccommodationGranted', data: { candidateId: CAND_B, accommodationId: 'acc_1' } };
    const error = spec
      .given([...ready, granted])
      .when(seals(), asCentre(START))
      .thenRefused('accommodation.jury-not-informed', 'rule', /cand_b/);
    expect(error.subject.candidateIds).toEqual([CAND_B]);
    const informed: SessionEvent = { type: 'JuryInformedOfAccommodations', data: { accommodationIds: ['acc_1'], informedOn: '2027-06-01' } };
    spec
      .given([...ready, granted, informed])
      .when(seals(), asCentre(START))
      .events();
    spec
      .given([...ready, granted, { type: 'CandidateWithdrawn', data: { candidateId: CAND_B } }])
      .when(seals([CAND_A]), asCentre(START))
      .events();
  });

  it('refuses a draw among nobody or among unregistered candidates', () => {
    spec.given(ready).when(seals([]), asCentre(START)).thenRefused('seals.no-candidate-present');
    spec
      .given(ready)
      .when(seals([CAND_A, CAND_C]), asCentre(START))
      .thenRefused('candidate.not-registered', 'not-found', /cand_c/);
  });

  it('refuses a second seal check, on a cancelled session or by another centre', () => {
    spec.given(started).when(seals(), asCentre(START)).thenRefused('seals.already-checked', 'conflict');
    spec
      .given([...ready, { type: 'SessionCancelled', data: { cancelledOn: '2027-06-01', reason: 'x' } }])
      .when(seals(), asCentre(START))
      .thenRefused('session.cancelled');
    spec.given(ready).when(seals(), asCentre(START, OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
  });
});

describe('session: fraud and sanction', () => {
  const fraud = (candidateId: string = CAND_A): SessionCommand => ({ type: 'ReportFraud', candidateId, facts: ' Usage d’un téléphone ' });
  const reported: SessionEvent = { type: 'FraudReported', data: { candidateId: CAND_A, reportedBy: 'session-manager', reportedOn: '2027-06-08', facts: 'Usage d’un téléphone' } };

  it('is reported by the session manager or by a juror of the session', () => {
    spec.given(started).when(fraud(), asCentre('2027-06-08')).then([reported]);
    spec
      .given(started)
      .when(fraud(), contextOf({ at: '2027-06-08', actor: jurorActor(ALICE) }))
      .then([{ ...reported, data: { ...reported.data, reportedBy: 'jury' } }] as SessionEvent[]);
    spec.given(signedHistory).when(fraud(), asCentre('2027-06-10')).events();
  });

  it('refuses a report before the session, after validation, by a stranger, about an unregistered candidate or without facts', () => {
    spec.given(ready).when(fraud(), asCentre('2027-06-01')).thenRefused('fraud.outside-session');
    spec
      .given([...transmittedHistory, { type: 'PVValidated', data: { validatedOn: '2027-06-20', pvRevision: 1 } }])
      .when(fraud(), asCentre('2027-06-21'))
      .thenRefused('fraud.outside-session');
    spec
      .given(started)
      .when(fraud(), contextOf({ at: '2027-06-08', actor: jurorActor(CHLOE) }))
      .thenRefused('session.not-own-centre', 'forbidden');
    spec
      .given(started)
      .when(fraud(), contextOf({ at: '2027-06-08', actor: { role: 'juror', id: 'x', scope: {} } }))
      .thenRefused('session.not-own-centre', 'forbidden');
    spec.given(started).when(fraud(CAND_C), asCentre('2027-06-08')).thenRefused('candidate.not-registered', 'not-found');
    spec
      .given([created(), { type: 'SessionCancelled', data: { cancelledOn: '2027-05-01', reason: 'x' } }])
      .when(fraud(), asCentre('2027-06-08'))
      .thenRefused('fraud.outside-session');
    spec.given(started).when({ type: 'ReportFraud', candidateId: CAND_A, facts: ' ' }, asCentre('2027-06-08')).thenRefused('input.required');
  });

  const sanction = (overrides: Partial<Extract<SessionCommand, { type: 'NotifySanction' }>> = {}): SessionCommand => ({
    type: 'NotifySanction',
    candidateId: CAND_A,
    sanction: 'interdiction',
    banMonths: 12,
    pronouncedOn: '2027-06-15',
    ...overrides,
  });

  it('is notified by the UD of the session’s department after a fraud report', () => {
    spec
      .given([...started, reported])
      .when(sanction(), asUd('2027-06-16'))
      .then([{ type: 'SanctionNotified', data: { candidateId: CAND_A, sanction: 'interdiction', banMonths: 12, pronouncedOn: '2027-06-15', notifiedOn: '2027-06-16' } }]);
    spec
      .given([...started, reported])
      .when(sanction({ sanction: 'avertissement', banMonths: undefined, pronouncedOn: '2027-06-08' }), asUd('2027-06-08'))
      .then([{ type: 'SanctionNotified', data: { candidateId: CAND_A, sanction: 'avertissement', pronouncedOn: '2027-06-08', notifiedOn: '2027-06-08' } }]);
    spec
      .given([...started, reported])
      .when(sanction({ banMonths: 60 }), asUd('2027-06-16'))
      .events();
    spec
      .given([...started, reported])
      .when(sanction({ banMonths: 1 }), asUd('2027-06-16'))
      .events();
  });

  it('refuses a sanction outside the UD’s department, without a fraud, twice, misdated or with a wrong ban', () => {
    const given = spec.given([...started, reported]);
    given.when(sanction(), asUd('2027-06-16', '38')).thenRefused('sanction.not-own-department', 'forbidden');
    given.when(sanction(), asCentre('2027-06-16')).thenRefused('sanction.not-own-department', 'forbidden');
    given.when(sanction({ candidateId: CAND_B }), asUd('2027-06-16')).thenRefused('sanction.without-fraud', 'rule', /cand_b/);
    given.when(sanction({ pronouncedOn: '2027-06-17' }), asUd('2027-06-16')).thenRefused('sanction.date-invalid');
    given.when(sanction({ pronouncedOn: '2027-06-07' }), asUd('2027-06-16')).thenRefused('sanction.date-invalid');
    given.when(sanction({ pronouncedOn: '2027-06-31' }), asUd('2027-06-16')).thenRefused('sanction.date-invalid');
    given.when(sanction({ banMonths: undefined }), asUd('2027-06-16')).thenRefused('sanction.ban-duration');
    given.when(sanction({ sanction: 'exclusion-session' }), asUd('2027-06-16')).thenRefused('sanction.ban-duration');
    for (const banMonths of [0, 61, 1.5]) given.when(sanction({ banMonths }), asUd('2027-06-16')).thenRefused('sanction.ban-duration');
    const notified: SessionEvent = { type: 'SanctionNotified', data: { candidateId: CAND_A, sanction: 'avertissement', pronouncedOn: '2027-06-15', notifiedOn: '2027-06-16' } };
    spec
      .given([...started, reported, notified])
      .when(sanction(), asUd('2027-06-17'))
      .thenRefused('sanction.already-notified', 'conflict');
    // A second report about the same candidate gets its own sanction.
    const again: SessionEvent = { type: 'FraudReported', data: { ...reported.data, reportedOn: '2027-06-09', facts: 'Récidive' } } as SessionEvent;
    spec
      .given([...started, reported, notified, again])
      .when(sanction({ pronouncedOn: '2027-06-17' }), asUd('2027-06-17'))
      .events();
    spec
      .given([...started, reported, notified, again])
      .when(sanction({ pronouncedOn: '2027-06-08' }), asUd('2027-06-17'))
      .thenRefused('sanction.date-invalid');
    const twice = fold([...started, reported, again, notified]);
    expect(twice.status === 'started' && twice.frauds.map((f) => f.sanction?.sanction)).toEqual(['avertissement', undefined]);
    const state = fold([...started, reported, notified]);
    expect(state.status === 'started' && state.frauds).toEqual([
      { candidateId: CAND_A, reportedBy: 'session-manager', reportedOn: '2027-06-08', sanction: { sanction: 'avertissement', notifiedOn: '2027-06-16' } },
    ]);
  });
});

describe('session: PV signed', () => {
  it('records one decision per candidate, signed by every juror, with the document’s SHA-256', () => {
    spec.given(started).when(sign(), asCentre(END)).then([signed()]);
    const [event] = spec
      .given(started)
      .when(sign({ signatoryIds: [BRUNO, ALICE, ALICE], decisions: withDecision(0, { evaluatorIds: [ALICE, ALICE, BRUNO] }) }), asCentre('2027-06-10'))
      .events();
    expect(event?.type === 'PVSigned' && [event.data.signatoryIds, event.data.decisions[0]?.evaluatorIds, event.data.signedOn]).toEqual([
      [BRUNO, ALICE],
      [ALICE, BRUNO],
      '2027-06-10',
    ]);
  });

  it('refuses a PV while a jury member’s habilitation was withdrawn by the UD since day one, naming them and the date; once removed and replaced, the PV is signed', () => {
    const withAlice = (alice: Habilitation) => sign({ juryHabilitations: { [ALICE]: [alice], [BRUNO]: [habilitation(BRUNO)] } });
    // Withdrawn during the session (day two).
    spec
      .given(started)
      .when(withAlice(habilitation(ALICE, { withdrawnOn: '2027-06-08' })), asCentre(END))
      .thenRefused('jury.habilitation-withdrawn', 'rule', /signé : l’habilitation de jur_alice a été retirée \(le 08\/06\/2027\).*Retirez ce membre du jury/);
    // Withdrawn after the session's end, before the signature: not habilitated on the day they sign.
    spec
      .given(started)
      .when(withAlice(habilitation(ALICE, { withdrawnOn: '2027-06-10' })), asCentre('2027-06-11'))
      .thenRefused('jury.habilitation-withdrawn');
    // Withdrawn after the signature's day, or renewed by a habilitation covering the session: signed.
    expect(
      spec
        .given(started)
        .when(withAlice(habilitation(ALICE, { withdrawnOn: '2027-06-12' })), asCentre('2027-06-11'))
        .events()
        .map((event) => event.type),
    ).toEqual(['PVSigned']);
    const renewed = sign({
      juryHabilitations: {
        [ALICE]: [habilitation(ALICE, { withdrawnOn: '2027-06-08' }), habilitation(ALICE, { habilitationId: 'hab_alice-2', validFrom: '2027-06-01' })],
        [BRUNO]: [habilitation(BRUNO)],
      },
    });
    expect(
      spec
        .given(started)
        .when(renewed, asCentre(END))
        .events()
        .map((event) => event.type),
    ).toEqual(['PVSigned']);

    // The way out: the struck-off member is removed after day one, a habilitated one fills the gap, the PV is signed without her.
    const [removed] = spec
      .given(started)
      .when({ type: 'UnassignJuror', jurorId: ALICE, reason: 'Habilitation retirée', habilitations: [habilitation(ALICE, { withdrawnOn: '2027-06-08' })] }, asCentre('2027-06-08'))
      .events();
    expect(removed).toEqual({ type: 'JurorUnassigned', data: { jurorId: ALICE, reason: 'Habilitation retirée' } });
    const replaced = [...started, removed as SessionEvent];
    const [chloe] = spec
      .given(replaced)
      .when({ type: 'AssignJuror', jurorId: CHLOE, habilitations: [habilitation(CHLOE)], tiedCandidateIds: [] }, asCentre('2027-06-08'))
      .events();
    const decidedWithoutAlice = decisions.map((line) => ({ ...line, evaluatorIds: [BRUNO, CHLOE] }));
    expect(
      spec
        .given([...replaced, chloe as SessionEvent])
        .when(
          sign({ decisions: decidedWithoutAlice, signatoryIds: [BRUNO, CHLOE], juryHabilitations: { [BRUNO]: [habilitation(BRUNO)], [CHLOE]: [habilitation(CHLOE)] } }),
          asCentre(END),
        )
        .events()
        .map((event) => event.type),
    ).toEqual(['PVSigned']);
  });

  it('names every struck-off member in the plural when the UD withdrew more than one habilitation', () => {
    spec
      .given(started)
      .when(
        sign({ juryHabilitations: { [ALICE]: [habilitation(ALICE, { withdrawnOn: '2027-06-08' })], [BRUNO]: [habilitation(BRUNO, { withdrawnOn: '2027-06-08' })] } }),
        asCentre(END),
      )
      .thenRefused(
        'jury.habilitation-withdrawn',
        'rule',
        /signé : les habilitations de jur_alice, jur_bruno ont été retirées \(le 08\/06\/2027, le 08\/06\/2027\) par l’unité départementale\. Retirez ces membres du jury/,
      );
  });

  it('refuses to remove a habilitated jury member after day one, the habilitations given or not', () => {
    spec
      .given(started)
      .when({ type: 'UnassignJuror', jurorId: BRUNO, reason: 'x', habilitations: [habilitation(BRUNO)] }, asCentre('2027-06-08'))
      .thenRefused('session.already-started');
    // Signed: the PV stands as the UD will judge it.
    spec
      .given([...started, signed()])
      .when({ type: 'UnassignJuror', jurorId: ALICE, reason: 'x', habilitations: [habilitation(ALICE, { withdrawnOn: '2027-06-10' })] }, asCentre('2027-06-11'))
      .thenRefused('session.already-started');
  });

  it('refuses a PV before the session started or before its last day', () => {
    spec.given(ready).when(sign(), asCentre(END)).thenRefused('pv.session-not-started');
    spec
      .given(started)
      .when(sign(), asCentre('2027-06-08'))
      .thenRefused('pv.before-end', 'rule', /09\/06\/2027/);
  });

  it('refuses an incomplete PV, saying which candidate has no decision', () => {
    const error = spec
      .given(started)
      .when(sign({ decisions: [decisions[0] as PvDecision] }), asCentre(END))
      .thenRefused('pv.missing-decision', 'rule', /il manque la décision du jury pour le candidat cand_b/);
    expect(error.subject.candidateIds).toEqual([CAND_B]);
  });

  it('refuses a decision for a candidate who is not registered, or two for the same', () => {
    spec
      .given(started)
      .when(sign({ decisions: [...decisions, { ...(decisions[0] as PvDecision), candidateId: CAND_C }] }), asCentre(END))
      .thenRefused('pv.unknown-candidate', 'rule', /cand_c/);
    spec
      .given(started)
      .when(sign({ decisions: [...decisions, decisions[0] as PvDecision] }), asCentre(END))
      .thenRefused('pv.duplicate-decision', 'rule', /cand_a/);
  });

  it('refuses a PV not signed by every juror, saying whose signature is missing', () => {
    const error = spec
      .given(started)
      .when(sign({ signatoryIds: [ALICE] }), asCentre(END))
      .thenRefused('pv.missing-signature', 'rule', /signature de jur_bruno/);
    expect(error.subject.jurorIds).toEqual([BRUNO]);
    spec
      .given(started)
      .when(sign({ signatoryIds: [ALICE, BRUNO, CHLOE] }), asCentre(END))
      .thenRefused('pv.unknown-signatory', 'rule', /jur_chloe/);
  });

  it('refuses a juror evaluating a candidate they declared a tie with', () => {
    const tied = [created(), assigned(ALICE, [CAND_B]), assigned(BRUNO), assigned(CHLOE), plateauChecked, sealsChecked];
    const error = spec
      .given(tied)
      .when(sign({ signatoryIds: [ALICE, BRUNO, CHLOE] }), asCentre(END))
      .thenRefused('jury.tie-with-candidate', 'rule', /jur_alice a déclaré un lien avec le candidat cand_b/);
    expect(error.subject).toMatchObject({ jurorIds: [ALICE], candidateIds: [CAND_B], field: 'decisions.1.evaluatorIds' });
    spec
      .given(tied)
      .when(sign({ decisions: withDecision(1, { evaluatorIds: [BRUNO, CHLOE] }), signatoryIds: [ALICE, BRUNO, CHLOE] }), asCentre(END))
      .events();
    const tieAfterAssignment: SessionEvent = { type: 'TieDeclared', data: { jurorId: BRUNO, candidateId: CAND_A } };
    spec
      .given([...tied, tieAfterAssignment])
      .when(sign({ decisions: withDecision(1, { evaluatorIds: [BRUNO, CHLOE] }), signatoryIds: [ALICE, BRUNO, CHLOE] }), asCentre(END))
      .thenRefused('jury.tie-with-candidate', 'rule', /jur_bruno/);
  });

  it('keeps a tie when the juror is unassigned then assigned again without naming it (found by the property test, seed 196999782)', () => {
    const unassigned: SessionEvent = { type: 'JurorUnassigned', data: { jurorId: ALICE, reason: 'Indisponible' } };
    const tieAfterAssignment: SessionEvent = { type: 'TieDeclared', data: { jurorId: ALICE, candidateId: CAND_A } };
    // A tie declared at assignment, and one declared later, both survive a new assignment that names neither
    spec
      .given([created(), assigned(ALICE, [CAND_B]), tieAfterAssignment, assigned(BRUNO), assigned(CHLOE), unassigned, assigned(ALICE), plateauChecked, sealsChecked])
      .when(sign({ signatoryIds: [ALICE, BRUNO, CHLOE] }), asCentre(END))
      .thenRefused('jury.tie-with-candidate', 'rule', /jur_alice a déclaré un lien avec le candidat cand_a/);
    spec
      .given([created(), assigned(ALICE, [CAND_B]), assigned(BRUNO), assigned(CHLOE), unassigned, unassigned, assigned(ALICE, [CAND_A]), plateauChecked, sealsChecked])
      .when(sign({ decisions: withDecision(0, { evaluatorIds: [BRUNO, CHLOE] }), signatoryIds: [ALICE, BRUNO, CHLOE] }), asCentre(END))
      .thenRefused('jury.tie-with-candidate', 'rule', /jur_alice a déclaré un lien avec le candidat cand_b/);
  });

  it('refuses a PV while the jury was not informed of an accommodation granted during the session', () => {
    // Leaflet: « Il informe le jury en cas d'adaptation particulière d'épreuve pour un candidat en situation de handicap ».
    const granted: SessionEvent = { type: 'AccommodationGranted', data: { candidateId: CAND_B, accommodationId: 'acc_2' } };
    const error = spec
      .given([...started, granted])
      .when(sign(), asCentre(END))
      .thenRefused('accommodation.jury-not-informed', 'rule', /procès-verbal.*aménagement d’épreuve du candidat cand_b/);
    expect(error.subject.candidateIds).toEqual([CAND_B]);
    const informed: SessionEvent = { type: 'JuryInformedOfAccommodations', data: { accommodationIds: ['acc_2'], informedOn: '2027-06-08' } };
    spec
      .given([...started, granted, informed])
      .when(sign(), asCentre(END))
      .then([signed()]);
  });

  it('refuses a candidate evaluated by fewer than two jurors free of ties', () => {
    // DOMAIN.md: « At least 2 habilitated members »; leaflet: a juror with a tie must not « évaluer, ni participer aux délibérations ».
    const error = spec
      .given(started)
      .when(sign({ decisions: withDecision(0, { evaluatorIds: [ALICE] }) }), asCentre(END))
      .thenRefused('pv.evaluators-too-few', 'rule', /candidat cand_a.*au moins deux membres du jury/);
    expect(error.subject).toMatchObject({ candidateIds: [CAND_A], field: 'decisions.0.evaluatorIds' });
    // A tie declared during the session leaves cand_b one juror free of ties: the jury cannot decide on them.
    const lateTie: SessionEvent = { type: 'TieDeclared', data: { jurorId: BRUNO, candidateId: CAND_B } };
    spec
      .given([...started, lateTie])
      .when(sign({ decisions: withDecision(1, { evaluatorIds: [ALICE] }) }), asCentre(END))
      .thenRefused('pv.evaluators-too-few', 'rule', /cand_b/);
    spec
      .given(started)
      .when(sign({ decisions: withDecision(0, { evaluatorIds: [ALICE, ALICE] }) }), asCentre(END))
      .thenRefused('pv.evaluators-too-few');
  });

  it('refuses an evaluator outside the jury or a candidate without evaluator', () => {
    spec
      .given(started)
      .when(sign({ decisions: withDecision(0, { evaluatorIds: [CHLOE] }) }), asCentre(END))
      .thenRefused('pv.unknown-evaluator', 'rule', /jur_chloe/);
    spec
      .given(started)
      .when(sign({ decisions: withDecision(0, { evaluatorIds: [] }) }), asCentre(END))
      .thenRefused('pv.evaluator-missing', 'rule', /cand_a/);
  });

  it('lists CCP for a réussite partielle only, and only CCP of the titre, not all of them', () => {
    spec
      .given(started)
      .when(sign({ decisions: withDecision(0, { ccpObtained: [CCP1] }) }), asCentre(END))
      .thenRefused('pv.ccp-unexpected', 'rule', /cand_a/);
    spec
      .given(started)
      .when(sign({ decisions: withDecision(0, { decision: 'echec', ccpObtained: [CCP1] }) }), asCentre(END))
      .thenRefused('pv.ccp-unexpected');
    spec
      .given(started)
      .when(sign({ decisions: withDecision(1, { ccpObtained: [] }) }), asCentre(END))
      .thenRefused('pv.ccp-missing', 'rule', /cand_b/);
    spec
      .given(started)
      .when(sign({ decisions: withDecision(1, { ccpObtained: ['RNCP37873BC01'] }) }), asCentre(END))
      .thenRefused('pv.ccp-not-in-titre', 'rule', /RNCP37873BC01/);
    spec
      .given(started)
      .when(sign({ decisions: withDecision(1, { ccpObtained: [CCP1, CCP2] }) }), asCentre(END))
      .thenRefused('pv.partial-with-every-ccp', 'rule', /titre obtenu/);
    const [event] = spec
      .given(started)
      .when(sign({ decisions: withDecision(1, { ccpObtained: [CCP2, CCP2] }) }), asCentre(END))
      .events();
    expect(event?.type === 'PVSigned' && event.data.decisions[1]?.ccpObtained).toEqual([CCP2]);
    spec
      .given(started)
      .when(sign({ decisions: withDecision(0, { decision: 'absent' }) }), asCentre(END))
      .events();
  });

  it('refuses a malformed SHA-256, a second PV while one is pending, a cancelled session or another centre', () => {
    spec
      .given(started)
      .when(sign({ documentSha256: 'A'.repeat(64) }), asCentre(END))
      .thenRefused('pv.sha256-invalid');
    spec
      .given(started)
      .when(sign({ documentSha256: 'a'.repeat(63) }), asCentre(END))
      .thenRefused('pv.sha256-invalid');
    spec
      .given(started)
      .when(sign({ documentSha256: `${'a'.repeat(64)}0` }), asCentre(END))
      .thenRefused('pv.sha256-invalid');
    spec.given(signedHistory).when(sign(), asCentre(END)).thenRefused('pv.already-signed', 'conflict');
    spec
      .given([created(), { type: 'SessionCancelled', data: { cancelledOn: '2027-05-01', reason: 'x' } }])
      .when(sign(), asCentre(END))
      .thenRefused('session.cancelled');
    spec.given(started).when(sign(), asCentre(END, OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
    spec.given().when(sign(), asCentre(END)).thenRefused('session.unknown', 'not-found');
  });
});

describe('session: after the PV', () => {
  const storeDocument = (overrides: Partial<Extract<SessionCommand, { type: 'RecordPVDocument' }>> = {}): SessionCommand => ({
    type: 'RecordPVDocument',
    revision: 1,
    objectKey: `pv/${SESSION}/r1.pdf`,
    versionId: 'v1',
    sha256: SHA,
    sizeBytes: 1200,
    ...overrides,
  });
  const bySystem = (at: string) => contextOf({ at, actor: system });

  it('records the stored document of the signed PV, from the intake only', () => {
    spec.given(signedHistory).when(storeDocument(), bySystem('2027-06-10')).then([documentStored()]);
    spec.given(signedHistory).when(storeDocument(), asCentre('2027-06-10')).thenRefused('pv.document-intake-only', 'forbidden');
  });

  it('refuses a document for another revision, with another checksum, twice, or before any PV', () => {
    spec
      .given(signedHistory)
      .when(storeDocument({ revision: 2 }), bySystem('2027-06-10'))
      .thenRefused('pv.document-revision');
    spec
      .given(signedHistory)
      .when(storeDocument({ sha256: 'b'.repeat(64) }), bySystem('2027-06-10'))
      .thenRefused('pv.document-checksum-mismatch');
    spec
      .given([...signedHistory, documentStored()])
      .when(storeDocument(), bySystem('2027-06-10'))
      .thenRefused('pv.document-already-stored', 'conflict');
    spec.given(started).when(storeDocument(), bySystem('2027-06-10')).thenRefused('pv.not-signed');
  });

  it('records a quarantined file, from the intake only', () => {
    const command: SessionCommand = { type: 'QuarantinePVDocument', objectKey: 'pv/x.exe', reason: 'not-pdf' };
    spec
      .given(signedHistory)
      .when(command, bySystem('2027-06-10'))
      .then([{ type: 'PVDocumentQuarantined', data: { objectKey: 'pv/x.exe', reason: 'not-pdf' } }]);
    spec.given(signedHistory).when(command, asCentre('2027-06-10')).thenRefused('pv.document-intake-only', 'forbidden');
    spec.given().when(command, bySystem('2027-06-10')).thenRefused('session.unknown', 'not-found');
    const state = fold([...signedHistory, { type: 'PVDocumentQuarantined', data: { objectKey: 'pv/x.exe', reason: 'not-pdf' } }]);
    expect(state.status === 'pv-signed' && state.quarantinedDocuments).toBe(1);
  });

  it('records the results in CERES once per PV revision', () => {
    spec.given(signedHistory).when({ type: 'RecordResultsInCeres' }, asCentre('2027-06-10')).then([resultsRecorded()]);
    spec
      .given([...signedHistory, resultsRecorded()])
      .when({ type: 'RecordResultsInCeres' }, asCentre('2027-06-10'))
      .thenRefused('pv.results-already-recorded', 'conflict');
    spec.given(transmittedHistory).when({ type: 'RecordResultsInCeres' }, asCentre('2027-06-12')).thenRefused('pv.not-awaiting-results', 'conflict');
    spec.given(started).when({ type: 'RecordResultsInCeres' }, asCentre('2027-06-10')).thenRefused('pv.not-signed');
    spec.given(signedHistory).when({ type: 'RecordResultsInCeres' }, asCentre('2027-06-10', OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
  });

  it('transmits the PV to the UD of the session’s department once the document is stored and the results recorded', () => {
    spec
      .given([...signedHistory, documentStored(), resultsRecorded()])
      .when({ type: 'TransmitPV' }, asCentre('2027-06-11'))
      .then([transmitted()]);
  });

  it('refuses to transmit without the document, without the results, twice or for another centre', () => {
    spec
      .given([...signedHistory, resultsRecorded()])
      .when({ type: 'TransmitPV' }, asCentre('2027-06-11'))
      .thenRefused('pv.document-missing');
    spec
      .given([...signedHistory, documentStored()])
      .when({ type: 'TransmitPV' }, asCentre('2027-06-11'))
      .thenRefused('pv.results-not-recorded', 'rule', /CERES/);
    spec.given(transmittedHistory).when({ type: 'TransmitPV' }, asCentre('2027-06-12')).thenRefused('pv.already-transmitted', 'conflict');
    spec
      .given([...signedHistory, documentStored(), resultsRecorded()])
      .when({ type: 'TransmitPV' }, asCentre('2027-06-11', OTHER_CENTRE))
      .thenRefused('session.not-own-centre', 'forbidden');
  });

  it('is validated by an agent of the UD of the session’s department only', () => {
    spec
      .given(transmittedHistory)
      .when({ type: 'ValidatePV' }, asUd('2027-06-20'))
      .then([{ type: 'PVValidated', data: { validatedOn: '2027-06-20', pvRevision: 1 } }]);
    spec.given(transmittedHistory).when({ type: 'ValidatePV' }, asUd('2027-06-20', '38')).thenRefused('pv.not-own-department', 'forbidden', /69/);
    spec.given(transmittedHistory).when({ type: 'ValidatePV' }, asCentre('2027-06-20')).thenRefused('pv.not-own-department', 'forbidden');
    spec
      .given([...signedHistory, documentStored(), resultsRecorded()])
      .when({ type: 'ValidatePV' }, asUd('2027-06-20'))
      .thenRefused('pv.not-transmitted');
    spec.given(started).when({ type: 'ValidatePV' }, asUd('2027-06-20')).thenRefused('pv.not-signed');
  });

  it('is rejected with a reason, then corrected and signed again as a new revision', () => {
    const rejected: SessionEvent = { type: 'PVRejected', data: { rejectedOn: '2027-06-20', pvRevision: 1, reason: 'Signature de jur_bruno illisible' } };
    spec.given(transmittedHistory).when({ type: 'RejectPV', reason: ' Signature de jur_bruno illisible ' }, asUd('2027-06-20')).then([rejected]);
    spec
      .given(transmittedHistory)
      .when({ type: 'RejectPV', reason: '' }, asUd('2027-06-20'))
      .thenRefused('input.required', 'rule', /motif du rejet/);
    spec.given(transmittedHistory).when({ type: 'RejectPV', reason: 'x' }, asUd('2027-06-20', '01')).thenRefused('pv.not-own-department', 'forbidden');
    const [resigned] = spec
      .given([...transmittedHistory, rejected])
      .when(sign({ documentSha256: 'c'.repeat(64) }), asCentre('2027-06-22'))
      .events();
    expect(resigned?.type === 'PVSigned' && [resigned.data.revision, resigned.data.documentSha256]).toEqual([2, 'c'.repeat(64)]);
    const again = [...transmittedHistory, rejected, resigned as SessionEvent];
    const state = fold(again);
    expect(state.status === 'pv-signed' && [state.pv.revision, state.pv.document, state.pv.resultsRecordedOn]).toEqual([2, undefined, undefined]);
    spec
      .given(again)
      .when({ type: 'RecordPVDocument', revision: 2, objectKey: 'pv/r2.pdf', versionId: 'v2', sha256: 'c'.repeat(64), sizeBytes: 900 }, bySystem('2027-06-22'))
      .events();
    spec
      .given(again)
      .when({ type: 'RecordResultsInCeres' }, asCentre('2027-06-22'))
      .then([{ type: 'ResultsRecordedInCeres', data: { recordedOn: '2027-06-22', pvRevision: 2 } }]);
    spec.given(again).when({ type: 'TransmitPV' }, asCentre('2027-06-22')).thenRefused('pv.document-missing');
  });

  it('ignores a stored document of an older revision when folding', () => {
    const rejected: SessionEvent = { type: 'PVRejected', data: { rejectedOn: '2027-06-20', pvRevision: 1, reason: 'x' } };
    const state = fold([...transmittedHistory, rejected, signed(2), documentStored(1)]);
    expect(state.status === 'pv-signed' && state.pv.document).toBeUndefined();
  });
});

describe('session: cancellation', () => {
  it('is cancelled before it starts, with a reason', () => {
    spec
      .given(ready)
      .when({ type: 'CancelSession', reason: 'Plateau indisponible' }, asCentre('2027-05-01'))
      .then([{ type: 'SessionCancelled', data: { cancelledOn: '2027-05-01', reason: 'Plateau indisponible' } }]);
    expect(fold([...ready, { type: 'SessionCancelled', data: { cancelledOn: '2027-05-01', reason: 'x' } }]).status).toBe('cancelled');
  });

  it('is refused once started, without a reason, twice or by another centre', () => {
    spec
      .given(started)
      .when({ type: 'CancelSession', reason: 'x' }, asCentre(START))
      .thenRefused('session.already-started', 'rule', /annulation/);
    spec.given(ready).when({ type: 'CancelSession', reason: '' }, asCentre('2027-05-01')).thenRefused('input.required');
    spec
      .given([...ready, { type: 'SessionCancelled', data: { cancelledOn: '2027-05-01', reason: 'x' } }])
      .when({ type: 'CancelSession', reason: 'x' }, asCentre('2027-05-02'))
      .thenRefused('session.cancelled');
    spec.given(ready).when({ type: 'CancelSession', reason: 'x' }, asCentre('2027-05-01', OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
  });
});

describe('session: erasure of a candidate’s personal data on request', () => {
  const erase = (candidateId: string): SessionCommand => ({ type: 'EraseCandidatePersonalData', candidateId });
  const erased = (candidateId: string): SessionEvent => ({ type: 'CandidatePersonalDataErased', data: { sessionId: SESSION, candidateId, ground: 'demande-du-candidat' } });
  const cancelled: SessionEvent = { type: 'SessionCancelled', data: { cancelledOn: '2027-05-01', reason: 'Trop peu de candidats' } };
  const validated: SessionEvent = { type: 'PVValidated', data: { validatedOn: '2027-06-20', pvRevision: 1 } };

  it('is accepted for a registered candidate and records only pseudonymous ids and the ground', () => {
    spec
      .given([created()])
      .when(erase(CAND_A), asCentre('2027-05-01'))
      .then([erased(CAND_A)]);
  });

  it('is accepted in every status of the session: started, PV validated, cancelled', () => {
    spec
      .given(started)
      .when(erase(CAND_B), asCentre(START))
      .then([erased(CAND_B)]);
    spec
      .given([...transmittedHistory, validated])
      .when(erase(CAND_A), asCentre('2027-12-01'))
      .then([erased(CAND_A)]);
    spec
      .given([created(), cancelled])
      .when(erase(CAND_A), asCentre('2027-05-02'))
      .then([erased(CAND_A)]);
  });

  it('is accepted for a candidate withdrawn from the session, who was registered', () => {
    const withdrawn: SessionEvent = { type: 'CandidateWithdrawn', data: { candidateId: CAND_B } };
    spec
      .given([created(), withdrawn])
      .when(erase(CAND_B), asCentre('2027-05-02'))
      .then([erased(CAND_B)]);
  });

  it('refuses a candidate never registered in this session, naming them, and an unknown session', () => {
    spec
      .given([created()])
      .when(erase(CAND_C), asCentre('2027-05-01'))
      .thenRefused('erasure.candidate-unknown', 'not-found', /cand_c.*jamais été inscrit/);
    spec.given().when(erase(CAND_A), asCentre('2027-05-01')).thenRefused('session.unknown', 'not-found');
  });

  it('refuses another centre, the UD and a juror: only the centre that registered the candidate erases', () => {
    spec.given([created()]).when(erase(CAND_A), asCentre('2027-05-01', OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
    spec.given([created()]).when(erase(CAND_A), asUd('2027-05-01')).thenRefused('session.not-own-centre', 'forbidden');
    spec
      .given([created()])
      .when(erase(CAND_A), contextOf({ at: '2027-05-01', actor: jurorActor(ALICE) }))
      .thenRefused('session.not-own-centre', 'forbidden');
  });

  it('records nothing the second time for the same candidate, and still erases another one', () => {
    spec
      .given([created(), erased(CAND_A)])
      .when(erase(CAND_A), asCentre('2027-05-02'))
      .then([]);
    spec
      .given([created(), erased(CAND_A)])
      .when(erase(CAND_B), asCentre('2027-05-02'))
      .then([erased(CAND_B)]);
  });

  it('is refused while a fraud report on the candidate awaits the UD’s sanction, and accepted once it is notified', () => {
    const reported: SessionEvent = { type: 'FraudReported', data: { candidateId: CAND_A, reportedBy: 'session-manager', reportedOn: '2027-06-08', facts: 'Usage d’un téléphone' } };
    const sanctioned: SessionEvent = { type: 'SanctionNotified', data: { candidateId: CAND_A, sanction: 'avertissement', pronouncedOn: '2027-06-10', notifiedOn: '2027-06-10' } };
    spec
      .given([...started, reported])
      .when(erase(CAND_A), asCentre('2027-06-09'))
      .thenRefused('erasure.fraud-pending', 'rule', /cand_a.*08\/06\/2027.*sanction notifiée/);
    spec
      .given([...started, reported])
      .when(erase(CAND_B), asCentre('2027-06-09'))
      .then([erased(CAND_B)]);
    spec
      .given([...started, reported, sanctioned])
      .when(erase(CAND_A), asCentre('2027-06-11'))
      .then([erased(CAND_A)]);
  });

  it('keeps the candidate registered, with their id, after the erasure: the session goes on', () => {
    const state = fold([created(), erased(CAND_A)]);
    expect(state.status === 'created' && { candidateIds: state.candidateIds, erasedCandidateIds: state.erasedCandidateIds }).toEqual({
      candidateIds: [CAND_A, CAND_B],
      erasedCandidateIds: [CAND_A],
    });
    spec
      .given([created(), erased(CAND_A)])
      .when({ type: 'WithdrawCandidate', candidateId: CAND_A }, asCentre('2027-05-02'))
      .then([{ type: 'CandidateWithdrawn', data: { candidateId: CAND_A } }]);
  });
});

describe('session: results', () => {
  it('has no results before a PV is signed', () => {
    expect(sessionResults(fold(started))).toBeUndefined();
    expect(sessionResults(sessionDecider.initialState)).toBeUndefined();
  });

  it('shows results as provisional until the PV is validated, official after, rejected once the UD rejected the PV', () => {
    const provisional = sessionResults(fold(transmittedHistory));
    expect(provisional).toEqual({
      sessionId: SESSION,
      status: 'provisoires',
      pvRevision: 1,
      results: [
        { candidateId: CAND_A, decision: 'titre-obtenu', ccpObtained: [] },
        { candidateId: CAND_B, decision: 'reussite-partielle', ccpObtained: [CCP1] },
      ],
    });
    const official = sessionResults(fold([...transmittedHistory, { type: 'PVValidated', data: { validatedOn: '2027-06-20', pvRevision: 1 } }]));
    expect(official).toMatchObject({ status: 'officiels', officialOn: '2027-06-20' });
    const rejected = sessionResults(fold([...transmittedHistory, { type: 'PVRejected', data: { rejectedOn: '2027-06-20', pvRevision: 1, reason: 'x' } }]));
    expect(rejected?.status).toBe('rejetés');
  });
});

describe('session: folding', () => {
  it('ignores events before the creation and events that do not apply to the current status', () => {
    expect(fold([{ type: 'CandidateRegistered', data: { candidateId: CAND_C } }])).toEqual(sessionDecider.initialState);
    const beforeStart = fold([...ready]);
    expect(fold([...ready, signed()])).toEqual(beforeStart);
    expect(fold([...ready, transmitted()])).toEqual(beforeStart);
    expect(fold([...ready, { type: 'TieDeclared', data: { jurorId: CHLOE, candidateId: CAND_A } }])).toEqual(beforeStart);
    expect(fold([...ready, { type: 'JuryInformedOfAccommodations', data: { accommodationIds: ['acc_9'], informedOn: '2027-05-01' } }])).toEqual(beforeStart);
    expect(fold([...started, sealsChecked])).toEqual(fold(started));
  });

  it('remembers the planned session it comes from, when it does', () => {
    const fromPlan = fold([created({ plannedSessionId: 'pln_p1' })]);
    expect(fromPlan.status === 'created' && fromPlan.plannedSessionId).toBe('pln_p1');
    expect('plannedSessionId' in fold([created()])).toBe(false);
  });

  it('keeps the breaches, the convocations and the plateau check without remarks', () => {
    const state = fold([
      created({ late: true }),
      { type: 'BreachRecorded', data: { rule: 'session.creation-late', dueOn: '2027-03-07', doneOn: '2027-03-08' } },
      assigned(ALICE),
      { type: 'ConvocationsSent', data: { audience: 'candidates', recipientIds: [CAND_A], sentOn: '2027-05-01', dueOn: '2027-05-23', late: false } },
      { type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: [ALICE], sentOn: '2027-05-01', dueOn: '2027-05-23', late: false } },
      { type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: [ALICE], sentOn: '2027-05-02', dueOn: '2027-05-23', late: false } },
      { type: 'PlateauTechniqueChecked', data: { checkedOn: '2027-06-01', durationMinutes: 50, jurorIds: [ALICE], compliant: true, remarks: 'RAS' } },
    ]);
    expect(state.status === 'created' && [state.breaches.length, state.convokedCandidateIds, state.convokedJurorIds, state.plateau]).toEqual([
      1,
      [CAND_A],
      [ALICE],
      { checkedOn: '2027-06-01', durationMinutes: 50, jurorIds: [ALICE], compliant: true },
    ]);
  });
});

describe('session: refusals point at what to correct', () => {
  it('names the field of the form to correct', () => {
    const reported: SessionEvent = { type: 'FraudReported', data: { candidateId: CAND_A, reportedBy: 'session-manager', reportedOn: '2027-06-08', facts: 'x' } };
    const cases: [SessionEvent[], SessionCommand, ReturnType<typeof contextOf>, string][] = [
      [[], create({ titreCode: 'RNCP11111' }), asCentre('2027-01-15'), 'titreCode'],
      [[], create({ startDate: '2027-06-31' }), asCentre('2027-01-15'), 'startDate'],
      [[], create({ endDate: '2027-06-31' }), asCentre('2027-01-15'), 'endDate'],
      [[], create({ endDate: '2027-06-06' }), asCentre('2027-01-15'), 'endDate'],
      [[], create({ startDate: '2027-01-14', endDate: '2027-01-16' }), asCentre('2027-01-15'), 'startDate'],
      [[], create({ candidateIds: [CAND_A, CAND_A] }), asCentre('2027-01-15'), 'candidateIds'],
      [[], create({ ceresReference: ' ' }), asCentre('2027-01-15'), 'ceresReference'],
      [[], create({ site: ' ' }), asCentre('2027-01-15'), 'site'],
      [[created()], { type: 'WithdrawCandidate', candidateId: CAND_C }, asCentre('2027-05-01'), 'candidateId'],
      [
        [created()],
        { type: 'AssignJuror', jurorId: ALICE, habilitations: [habilitation(ALICE)], tiedCandidateIds: [CAND_A, CAND_C] },
        asCentre('2027-05-01'),
        'tiedCandidateIds.1',
      ],
      [ready, { type: 'DeclareTie', jurorId: CHLOE, candidateId: CAND_A }, asCentre('2027-05-01'), 'jurorId'],
      [ready, { type: 'UnassignJuror', jurorId: ALICE, reason: ' ' }, asCentre('2027-05-01'), 'reason'],
      [ready, { type: 'CheckPlateauTechnique', durationMinutes: 0, jurorIds: [ALICE], compliant: true }, asCentre('2027-05-01'), 'durationMinutes'],
      [ready, { type: 'CheckPlateauTechnique', durationMinutes: 60, jurorIds: [], compliant: true }, asCentre('2027-05-01'), 'jurorIds'],
      [ready, { type: 'CheckPlateauTechnique', durationMinutes: 60, jurorIds: [ALICE, CHLOE], compliant: true }, asCentre('2027-05-01'), 'jurorIds.1'],
      [ready, { type: 'CheckSeals', presentCandidateIds: [], sealsIntact: true, juryHabilitations: {} }, asCentre(START), 'presentCandidateIds'],
      [ready, { type: 'CheckSeals', presentCandidateIds: [CAND_A, CAND_C], sealsIntact: true, juryHabilitations: {} }, asCentre(START), 'presentCandidateIds.1'],
      [started, { type: 'ReportFraud', candidateId: CAND_A, facts: ' ' }, asCentre(START), 'facts'],
      [[...started, reported], { type: 'NotifySanction', candidateId: CAND_A, sanction: 'avertissement', pronouncedOn: '2027-06-30' }, asUd('2027-06-10'), 'pronouncedOn'],
      [[...started, reported], { type: 'NotifySanction', candidateId: CAND_A, sanction: 'interdiction', pronouncedOn: '2027-06-09' }, asUd('2027-06-10'), 'banMonths'],
      [
        [...started, reported],
        { type: 'NotifySanction', candidateId: CAND_A, sanction: 'interdiction', banMonths: 0, pronouncedOn: '2027-06-09' },
        asUd('2027-06-10'),
        'banMonths',
      ],
      [started, sign({ decisions: withDecision(1, { evaluatorIds: [] }) }), asCentre(END), 'decisions.1.evaluatorIds'],
      [started, sign({ decisions: withDecision(1, { evaluatorIds: [CHLOE] }) }), asCentre(END), 'decisions.1.evaluatorIds'],
      [started, sign({ decisions: withDecision(1, { ccpObtained: [] }) }), asCentre(END), 'decisions.1.ccpObtained'],
      [started, sign({ decisions: withDecision(0, { ccpObtained: [CCP1] }) }), asCentre(END), 'decisions.0.ccpObtained'],
      [started, sign({ decisions: withDecision(1, { ccpObtained: ['RNCP37873BC01'] }) }), asCentre(END), 'decisions.1.ccpObtained'],
      [started, sign({ decisions: withDecision(1, { ccpObtained: [CCP1, CCP2] }) }), asCentre(END), 'decisions.1.ccpObtained'],
      [started, sign({ signatoryIds: [ALICE] }), asCentre(END), 'signatoryIds'],
      [started, sign({ signatoryIds: [ALICE, BRUNO, CHLOE] }), asCentre(END), 'signatoryIds'],
      [started, sign({ documentSha256: 'x' }), asCentre(END), 'documentSha256'],
      [transmittedHistory, { type: 'RejectPV', reason: ' ' }, asUd('2027-06-20'), 'reason'],
      [ready, { type: 'CancelSession', reason: ' ' }, asCentre('2027-05-01'), 'reason'],
    ];
    for (const [events, command, context, field] of cases) {
      let caught: unknown;
      try {
        sessionDecider.decide(command, fold(events), context);
      } catch (error) {
        caught = error;
      }
      expect(caught, `${command.type} → ${field}`).toBeInstanceOf(DomainError);
      expect((caught as DomainError).subject.field, command.type).toBe(field);
    }
  });

  it('trims what people typed before recording it', () => {
    const [event] = spec
      .given()
      .when(create({ ceresReference: ' CERES-1 ', site: ' Lyon ' }), asCentre('2027-01-15'))
      .events();
    expect(event?.type === 'SessionCreated' && [event.data.ceresReference, event.data.site]).toEqual(['CERES-1', 'Lyon']);
    const [unassigned] = spec.given(ready).when({ type: 'UnassignJuror', jurorId: BRUNO, reason: ' Malade ' }, asCentre('2027-05-01')).events();
    expect(unassigned?.data).toEqual({ jurorId: BRUNO, reason: 'Malade' });
    const [cancelled] = spec.given(ready).when({ type: 'CancelSession', reason: ' Annulée ' }, asCentre('2027-05-01')).events();
    expect(cancelled?.data).toEqual({ cancelledOn: '2027-05-01', reason: 'Annulée' });
  });
});

describe('session: what the mutation run asked for', () => {
  it('accepts a one-day session', () => {
    spec
      .given()
      .when(create({ startDate: START, endDate: START }), asCentre('2027-01-15'))
      .events();
  });

  it('refuses CCP when the titre is missing from the catalogue, rather than trusting them', () => {
    const withoutTitre = contextOf({ at: END, actor: centre(), titres: titreCatalogue([]) });
    spec
      .given(started)
      .when(sign(), withoutTitre)
      .thenRefused('pv.ccp-not-in-titre', 'rule', /RNCP37674BC01/);
  });

  it('folds accommodations, the seal check, sanctions, the stored PV file and the cancellation faithfully', () => {
    const granted = (candidateId: string, accommodationId: string): SessionEvent => ({ type: 'AccommodationGranted', data: { candidateId, accommodationId } });
    const informed = fold([
      ...ready,
      granted(CAND_A, 'acc_1'),
      granted(CAND_B, 'acc_2'),
      { type: 'JuryInformedOfAccommodations', data: { accommodationIds: ['acc_1'], informedOn: '2027-05-02' } },
    ]);
    expect(informed.status === 'created' && informed.accommodations).toEqual({
      acc_1: { candidateId: CAND_A, juryInformed: true },
      acc_2: { candidateId: CAND_B, juryInformed: false },
    });
    const other: SessionEvent = { type: 'SealsChecked', data: { ...(sealsChecked.data as Extract<SessionEvent, { type: 'SealsChecked' }>['data']), drawnCandidateId: CAND_B } };
    const once = fold([...started, other]);
    expect(once.status === 'started' && once.seals).toEqual(sealsChecked.data);
    const reportedB: SessionEvent = { type: 'FraudReported', data: { candidateId: CAND_B, reportedBy: 'jury', reportedOn: '2027-06-08', facts: 'x' } };
    const reportedA: SessionEvent = { type: 'FraudReported', data: { candidateId: CAND_A, reportedBy: 'jury', reportedOn: '2027-06-08', facts: 'x' } };
    const sanctioned = fold([
      ...started,
      reportedB,
      reportedA,
      { type: 'SanctionNotified', data: { candidateId: CAND_A, sanction: 'avertissement', pronouncedOn: '2027-06-09', notifiedOn: '2027-06-09' } },
    ]);
    expect(sanctioned.status === 'started' && sanctioned.frauds.map((f) => [f.candidateId, f.sanction?.sanction])).toEqual([
      [CAND_B, undefined],
      [CAND_A, 'avertissement'],
    ]);
    const stored = fold([...signedHistory, documentStored()]);
    expect(stored.status === 'pv-signed' && stored.pv.document).toEqual({ objectKey: `pv/${SESSION}/r1.pdf`, versionId: 'v1' });
    const cancelled = fold([...ready, { type: 'SessionCancelled', data: { cancelledOn: '2027-05-01', reason: 'Plateau indisponible' } }]);
    expect(cancelled.status === 'cancelled' && cancelled.cancellation).toEqual({ cancelledOn: '2027-05-01', reason: 'Plateau indisponible' });
  });
});
