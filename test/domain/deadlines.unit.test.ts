import { describe, expect, it } from 'vitest';
import { openJurorDeadlines, openProgrammeDeadlines, openSessionDeadlines, type JurorAssignment } from '../../shared/domain/deadlines.js';
import { defaultSettings } from '../../shared/domain/decider.js';
import { jurorDecider, type JurorEvent } from '../../shared/domain/juror.js';
import { programmeDecider, type ProgrammeEvent } from '../../shared/domain/programme.js';
import { sessionDecider, type SessionEvent } from '../../shared/domain/session.js';
import { ALICE, BRUNO, CAND_B, CENTRE, CHLOE, DEPT, END, SESSION, START, TITRE, assigned, created, ready, signed, signedHistory, started, transmittedHistory } from './fixtures.js';

const settings = defaultSettings;
const session = (events: SessionEvent[]) => openSessionDeadlines(events.reduce(sessionDecider.evolve, sessionDecider.initialState), settings);
const kinds = (events: SessionEvent[]) => session(events).map((d) => `${d.kind} ${d.dueOn}`);

describe('deadlines of a session', () => {
  it('lists convocations, jury and PV transmission for a new session, with who is reminded and alerted', () => {
    const [convocations, jury, transmission] = session([created()]);
    expect(convocations).toEqual({
      id: 'session-ses_s1/juror-convocations',
      kind: 'juror-convocations',
      streamId: 'session-ses_s1',
      subject: '-',
      label: 'Convocation des membres du jury',
      dueOn: '2027-05-23',
      remindOn: '2027-05-16',
      remind: ['centre'],
      alert: ['centre', 'jurors'],
      scope: { centreId: CENTRE, department: DEPT, sessionId: SESSION },
    });
    expect(jury).toMatchObject({ id: 'session-ses_s1/jury-complete', dueOn: '2027-06-06', remindOn: '2027-05-16', remind: ['centre'], alert: ['ud'] });
    expect(transmission).toMatchObject({ id: 'session-ses_s1/pv-transmission', dueOn: '2027-06-17', remind: ['centre'], alert: ['ud'] });
  });

  it('names the centre in every deadline’s scope when the session recorded its name', () => {
    expect(session([created({ centreName: 'Lyon Formation' })]).map((d) => d.scope)).toEqual(
      Array.from({ length: 3 }, () => ({ centreId: CENTRE, centreName: 'Lyon Formation', department: DEPT, sessionId: SESSION })),
    );
  });

  it('reads the delays from the settings', () => {
    const state = [created()].reduce(sessionDecider.evolve, sessionDecider.initialState);
    const custom = openSessionDeadlines(state, { ...settings, jurorConvocationDays: 20, pvTransmissionDays: 3, reminderLeadDays: 2 });
    expect(custom.map((d) => [d.kind, d.dueOn, d.remindOn])).toEqual([
      ['juror-convocations', '2027-05-18', '2027-05-16'],
      ['jury-complete', '2027-06-06', '2027-05-16'],
      ['pv-transmission', '2027-06-12', '2027-06-10'],
    ]);
  });

  it('closes the convocation deadline once every assigned juror is convoked, and reopens it for a new juror', () => {
    const convoked: SessionEvent = { type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: [ALICE, BRUNO], sentOn: '2027-05-01', dueOn: '2027-05-23', late: false } };
    expect(kinds([...ready, convoked])).toEqual(['pv-transmission 2027-06-17']);
    expect(kinds([...ready, convoked, assigned(CHLOE)])).toContain('juror-convocations 2027-05-23');
    const candidates: SessionEvent = { ...convoked, data: { ...convoked.data, audience: 'candidates', recipientIds: ['cand_a', 'cand_b'] } } as SessionEvent;
    expect(kinds([...ready, candidates])).toContain('juror-convocations 2027-05-23');
  });

  it('keeps the jury deadline open while a candidate lacks two jurors free of ties', () => {
    expect(kinds([created(), assigned(ALICE, [CAND_B]), assigned(BRUNO)])).toContain('jury-complete 2027-06-06');
    expect(kinds([created(), assigned(ALICE), assigned(BRUNO)])).not.toContain('jury-complete 2027-06-06');
  });

  it('given a jury of one member, warns the centre with the convocations’ reminder and alerts the UD on the morning of the first day', () => {
    const open = session([created(), assigned(ALICE)]);
    const convocations = open.find((d) => d.kind === 'juror-convocations');
    const jury = open.find((d) => d.kind === 'jury-complete');
    expect(jury?.remindOn).toBe(convocations?.remindOn);
    expect(jury?.remind).toEqual(['centre']);
    // The alert goes out the day after the due date (shared/deadlineIndex): the first day's morning, not the next.
    expect(jury?.dueOn).toBe('2027-06-06');
    expect(START).toBe('2027-06-07');
    expect(jury?.alert).toEqual(['ud']);
  });

  it('given convocations due on the first day, still reminds about the jury the usual lead before its own due date', () => {
    const state = [created(), assigned(ALICE)].reduce(sessionDecider.evolve, sessionDecider.initialState);
    const jury = openSessionDeadlines(state, { ...settings, jurorConvocationDays: 0 }).find((d) => d.kind === 'jury-complete');
    expect(jury).toMatchObject({ dueOn: '2027-06-06', remindOn: '2027-05-30' });
  });

  it('keeps only the PV transmission once started and signed, then the validation once transmitted', () => {
    expect(kinds(started)).toEqual(['pv-transmission 2027-06-17']);
    expect(kinds(signedHistory)).toEqual(['pv-transmission 2027-06-17']);
    const [validation] = session(transmittedHistory);
    expect(validation).toMatchObject({ id: 'session-ses_s1/pv-validation', kind: 'pv-validation', dueOn: '2027-07-11', remind: ['ud'], alert: ['ud', 'region'] });
    expect(session(transmittedHistory)).toHaveLength(1);
  });

  it('gives the centre the transmission delay again from a rejection', () => {
    const rejected: SessionEvent = { type: 'PVRejected', data: { rejectedOn: '2027-06-20', pvRevision: 1, reason: 'x' } };
    expect(kinds([...transmittedHistory, rejected])).toEqual(['pv-transmission 2027-06-28']);
  });

  it('given a rejected PV signed again, keeps the transmission due from the rejection, not from the end of the session', () => {
    const rejected: SessionEvent = { type: 'PVRejected', data: { rejectedOn: '2027-06-20', pvRevision: 1, reason: 'x' } };
    const resigned = signed(2);
    if (resigned.type === 'PVSigned') Object.assign(resigned, { data: { ...resigned.data, signedOn: '2027-06-22' } });
    const state = [...transmittedHistory, rejected, resigned].reduce(sessionDecider.evolve, sessionDecider.initialState);
    expect(openSessionDeadlines(state, settings, { lastPvRejectedOn: '2027-06-20' }).map((d) => `${d.kind} ${d.dueOn}`)).toEqual(['pv-transmission 2027-06-28']);
    // Without the caller's history, the signature again is the nearest day the state knows.
    expect(kinds([...transmittedHistory, rejected, resigned])).toEqual(['pv-transmission 2027-06-30']);
  });

  it('closes everything once the PV is validated or the session cancelled, and has none before creation', () => {
    expect(session([...transmittedHistory, { type: 'PVValidated', data: { validatedOn: '2027-06-20', pvRevision: 1 } }])).toEqual([]);
    expect(session([created(), { type: 'SessionCancelled', data: { cancelledOn: '2027-04-01', reason: 'x' } }])).toEqual([]);
    expect(session([])).toEqual([]);
  });
});

describe('deadlines of a programme', () => {
  const programme = { centreId: CENTRE, year: 2027, department: DEPT };
  const submitted: ProgrammeEvent[] = [
    {
      type: 'SessionPlanned',
      data: { plannedSessionId: 'pln_a', centreId: CENTRE, year: 2027, titreCode: TITRE, expectedStart: '2027-05-31', expectedEnd: '2027-06-02', expectedCandidates: 8 },
    },
    {
      type: 'SessionPlanned',
      data: { plannedSessionId: 'pln_b', centreId: CENTRE, year: 2027, titreCode: TITRE, expectedStart: '2027-10-04', expectedEnd: '2027-10-05', expectedCandidates: 8 },
    },
    {
      type: 'ProgrammeSubmitted',
      data: {
        centreId: CENTRE,
        year: 2027,
        revision: 1,
        plannedSessionIds: ['pln_a', 'pln_b'],
        withdrawnPlannedSessionIds: [],
        submittedOn: '2027-01-10',
        deadline: '2027-01-31',
        onTime: true,
      },
    },
  ];

  it('is due on 31 January until submitted, reminding the centre and alerting the UD and the region', () => {
    expect(openProgrammeDeadlines(programmeDecider.initialState, settings, programme)).toEqual([
      {
        id: 'programme-ctr_lyon-1-2027/yearly-programme',
        kind: 'yearly-programme',
        streamId: 'programme-ctr_lyon-1-2027',
        subject: '-',
        label: 'Programmation prévisionnelle annuelle (avant le 31 janvier)',
        dueOn: '2027-01-31',
        remindOn: '2027-01-24',
        remind: ['centre'],
        alert: ['ud', 'region'],
        scope: { centreId: CENTRE, department: DEPT },
      },
    ]);
    expect(openProgrammeDeadlines(programmeDecider.initialState, settings, { centreId: CENTRE, year: 2027 })[0]?.scope).toEqual({ centreId: CENTRE });
  });

  it('carries the centre’s name in the scope when one is known, for the reminder mails', () => {
    expect(openProgrammeDeadlines(programmeDecider.initialState, settings, { ...programme, centreName: 'Lyon Formation' })[0]?.scope).toEqual({
      centreId: CENTRE,
      centreName: 'Lyon Formation',
      department: DEPT,
    });
  });

  it('then asks for the creation in CERES of each planned session three months before it, until created', () => {
    const state = submitted.reduce(programmeDecider.evolve, programmeDecider.initialState);
    expect(openProgrammeDeadlines(state, settings, programme).map((d) => [d.id, d.dueOn, d.remind, d.alert])).toEqual([
      ['programme-ctr_lyon-1-2027/session-creation/pln_a', '2027-02-28', ['centre'], ['ud']],
      ['programme-ctr_lyon-1-2027/session-creation/pln_b', '2027-07-04', ['centre'], ['ud']],
    ]);
    expect(openProgrammeDeadlines(state, settings, programme, ['pln_a']).map((d) => d.subject)).toEqual(['pln_b']);
  });
});

describe('deadlines of a juror', () => {
  const habilitated = (validUntil: string): JurorEvent => ({
    type: 'JurorHabilitated',
    data: { jurorId: ALICE, habilitationId: 'hab_alice', titreCode: TITRE, department: DEPT, validFrom: '2026-01-01', validUntil, professionalisationDate: '2025-11-15' },
  });
  const assignment: JurorAssignment = { sessionId: SESSION, centreId: CENTRE, titreCode: TITRE, department: DEPT, startDate: START, endDate: END };
  const open = (events: JurorEvent[], today = '2027-05-01', assignments = [assignment]) =>
    openJurorDeadlines(events.reduce(jurorDecider.evolve, jurorDecider.initialState), settings, assignments, today);

  it('warns the juror and the centre when the habilitation does not cover an assigned session', () => {
    expect(open([habilitated('2027-06-08')])).toEqual([
      {
        id: 'juror-jur_alice/habilitation-expiry/ses_s1',
        kind: 'habilitation-expiry',
        streamId: 'juror-jur_alice',
        subject: SESSION,
        label: 'Habilitation du membre de jury valable pour la session',
        dueOn: START,
        remindOn: '2027-05-31',
        remind: ['juror', 'centre'],
        alert: ['ud'],
        scope: { jurorId: ALICE, centreId: CENTRE, department: DEPT, sessionId: SESSION },
      },
    ]);
  });

  it('has nothing to say when a habilitation covers the session, the session is over, or the juror is unknown', () => {
    expect(open([habilitated('2027-06-09')])).toEqual([]);
    expect(open([habilitated('2027-06-08')], '2027-06-10')).toEqual([]);
    expect(open([habilitated('2027-06-08')], END)).toHaveLength(1);
    expect(open([])).toEqual([]);
  });

  it('warns after a withdrawal, and for a session in another department or titre', () => {
    const withdrawn: JurorEvent = { type: 'HabilitationWithdrawn', data: { jurorId: ALICE, habilitationId: 'hab_alice', withdrawnOn: '2027-04-01', reason: 'x' } };
    expect(open([habilitated('2028-06-30'), withdrawn])).toHaveLength(1);
    expect(open([habilitated('2028-06-30')], '2027-05-01', [{ ...assignment, department: '38' }])).toHaveLength(1);
    expect(open([habilitated('2028-06-30')], '2027-05-01', [{ ...assignment, titreCode: 'RNCP37873' }])).toHaveLength(1);
    expect(open([habilitated('2028-06-30')], '2027-05-01', [{ ...assignment, startDate: '2025-12-31' }])).toHaveLength(1);
  });
});
