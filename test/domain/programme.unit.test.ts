import { describe, expect, it } from 'vitest';
import { programmeDecider, programmeStreamId, type ProgrammeCommand, type ProgrammeEvent } from '../../shared/domain/programme.js';
import { titreCatalogue } from '../../shared/domain/titres.js';
import { CENTRE, OTHER_CENTRE, TITRE, centre, ud } from './fixtures.js';
import { contextOf, specFor } from './specification.js';

const spec = specFor(programmeDecider);
const line = { titreCode: TITRE, expectedStart: '2027-06-07', expectedEnd: '2027-06-09', expectedCandidates: 12 };
const submit = (sessions: ProgrammeCommand['sessions'] = [line], overrides: Partial<ProgrammeCommand> = {}): ProgrammeCommand => ({
  type: 'SubmitProgramme',
  centreId: CENTRE,
  year: 2027,
  sessions,
  ...overrides,
});
const on = (at: string) => contextOf({ at, actor: centre() });

const firstSubmission: ProgrammeEvent[] = [
  { type: 'SessionPlanned', data: { plannedSessionId: 'pln_t1', centreId: CENTRE, year: 2027, ...line } },
  {
    type: 'ProgrammeSubmitted',
    data: {
      centreId: CENTRE,
      year: 2027,
      revision: 1,
      plannedSessionIds: ['pln_t1'],
      withdrawnPlannedSessionIds: [],
      submittedOn: '2027-01-20',
      deadline: '2027-01-31',
      onTime: true,
    },
  },
];

describe('yearly programme', () => {
  it('names its stream after the centre and the year', () => {
    expect(programmeStreamId(CENTRE, 2027)).toBe('programme-ctr_lyon-1-2027');
  });

  it('records each planned session and the submission, on time before 31 January', () => {
    spec.given().when(submit(), on('2027-01-20')).then(firstSubmission);
  });

  it('is still on time on 31 January late in the evening, Paris time', () => {
    const [, submitted] = spec.given().when(submit(), on('2027-01-31T22:30:00Z')).events();
    expect(submitted?.type === 'ProgrammeSubmitted' && [submitted.data.submittedOn, submitted.data.onTime]).toEqual(['2027-01-31', true]);
  });

  it('accepts a submission after 31 January and marks it late', () => {
    const [, submitted] = spec.given().when(submit(), on('2027-02-01T08:00:00Z')).events();
    expect(submitted?.type === 'ProgrammeSubmitted' && submitted.data.onTime).toBe(false);
  });

  it('accepts next year’s programme in December', () => {
    const [planned] = spec.given().when(submit(), on('2026-12-15')).events();
    expect(planned?.type === 'SessionPlanned' && planned.data.year).toBe(2027);
  });

  it('is amended as a whole: kept sessions keep their id, left-out sessions are withdrawn, the revision goes up', () => {
    const second = { ...line, expectedStart: '2027-10-04', expectedEnd: '2027-10-05' };
    const later = contextOf({ at: '2027-03-02', actor: centre(), firstId: 10 });
    spec
      .given(firstSubmission)
      .when(submit([{ ...line, plannedSessionId: 'pln_t1', expectedCandidates: 14 }, second]), later)
      .then([
        { type: 'SessionPlanned', data: { plannedSessionId: 'pln_t1', centreId: CENTRE, year: 2027, ...line, expectedCandidates: 14 } },
        { type: 'SessionPlanned', data: { plannedSessionId: 'pln_t10', centreId: CENTRE, year: 2027, ...second } },
        {
          type: 'ProgrammeSubmitted',
          data: {
            centreId: CENTRE,
            year: 2027,
            revision: 2,
            plannedSessionIds: ['pln_t1', 'pln_t10'],
            withdrawnPlannedSessionIds: [],
            submittedOn: '2027-03-02',
            deadline: '2027-01-31',
            onTime: false,
          },
        },
      ]);
    const withdrawn = spec
      .given(firstSubmission)
      .when(submit([second]), contextOf({ at: '2027-03-02', actor: centre(), firstId: 10 }))
      .events();
    expect(withdrawn[1]?.data).toMatchObject({ revision: 2, plannedSessionIds: ['pln_t10'], withdrawnPlannedSessionIds: ['pln_t1'] });
    const state = [...firstSubmission, ...withdrawn].reduce(programmeDecider.evolve, programmeDecider.initialState);
    expect(state.status === 'submitted' && Object.keys(state.planned)).toEqual(['pln_t10']);
    expect(state.status === 'submitted' && [state.firstSubmittedOn, state.lastSubmittedOn, state.onTime, state.revision]).toEqual(['2027-01-20', '2027-03-02', true, 2]);
  });

  it('refuses a submission by another centre or by a UD', () => {
    spec
      .given()
      .when(submit(), contextOf({ at: '2027-01-20', actor: centre(OTHER_CENTRE) }))
      .thenRefused('programme.not-own-centre', 'forbidden');
    spec
      .given()
      .when(submit(), contextOf({ at: '2027-01-20', actor: ud() }))
      .thenRefused('programme.not-own-centre', 'forbidden');
  });

  it('refuses a programme for a past year or two years ahead', () => {
    spec
      .given()
      .when(submit(undefined, { year: 2026 }), on('2027-01-20'))
      .thenRefused('programme.year-out-of-range', 'rule', /2027 ou 2028/);
    spec
      .given()
      .when(submit(undefined, { year: 2029 }), on('2027-01-20'))
      .thenRefused('programme.year-out-of-range');
  });

  it('refuses an empty programme', () => {
    spec.given().when(submit([]), on('2027-01-20')).thenRefused('programme.empty');
  });

  it('refuses a line naming a planned session twice or one it never planned', () => {
    spec
      .given(firstSubmission)
      .when(
        submit([
          { ...line, plannedSessionId: 'pln_t1' },
          { ...line, plannedSessionId: 'pln_t1' },
        ]),
        on('2027-01-25'),
      )
      .thenRefused('programme.duplicate-planned-session', 'rule', /pln_t1/);
    spec
      .given(firstSubmission)
      .when(submit([{ ...line, plannedSessionId: 'pln_zz' }]), on('2027-01-25'))
      .thenRefused('programme.planned-session-unknown', 'not-found', /pln_zz/);
  });

  it('refuses lines that break a rule, naming the line and the field', () => {
    const cases: [Partial<typeof line>, string][] = [
      [{ titreCode: 'RNCP99999' }, 'programme.titre-unknown'],
      [{ expectedStart: '2027-02-30' }, 'programme.date-invalid'],
      [{ expectedEnd: '2027-02-30' }, 'programme.date-invalid'],
      [{ expectedStart: '2027-06-10' }, 'programme.dates-inverted'],
      [{ expectedStart: '2028-01-05', expectedEnd: '2028-01-06' }, 'programme.date-outside-year'],
      [{ expectedCandidates: 0 }, 'programme.candidates-count'],
      [{ expectedCandidates: 501 }, 'programme.candidates-count'],
      [{ expectedCandidates: 2.5 }, 'programme.candidates-count'],
    ];
    for (const [change, code] of cases) {
      const error = spec
        .given()
        .when(submit([line, { ...line, ...change }]), on('2027-01-20'))
        .thenRefused(code, 'rule', /Session n° 2/);
      expect(error.fields[0]?.field).toMatch(/^sessions\.1\./);
    }
    spec
      .given()
      .when(
        submit([
          { ...line, expectedCandidates: 1 },
          { ...line, expectedCandidates: 500 },
        ]),
        on('2027-01-20'),
      )
      .events();
  });

  it('refuses a session ending after the titre’s validity', () => {
    const titres = titreCatalogue([{ code: TITRE, label: 'Développeur web et web mobile', ccps: [], validUntil: '2027-06-08' }]);
    spec
      .given()
      .when(submit(), contextOf({ at: '2027-01-20', actor: centre(), titres }))
      .thenRefused('programme.titre-expired', 'rule', /08\/06\/2027/);
    spec
      .given()
      .when(submit([{ ...line, expectedEnd: '2027-06-08' }]), contextOf({ at: '2027-01-20', actor: centre(), titres }))
      .events();
  });
});

describe('programme refusals point at what to correct', () => {
  it('names the field of the form to correct', () => {
    const cases: [ProgrammeCommand, string][] = [
      [submit(undefined, { year: 2026 }), 'year'],
      [submit([]), 'sessions'],
      [submit([{ ...line, titreCode: 'RNCP99999' }]), 'sessions.0.titreCode'],
      [submit([{ ...line, expectedStart: '2027-06-10' }]), 'sessions.0.expectedEnd'],
      [submit([{ ...line, expectedStart: '2028-01-05', expectedEnd: '2028-01-06' }]), 'sessions.0.expectedStart'],
      [submit([{ ...line, expectedCandidates: 0 }]), 'sessions.0.expectedCandidates'],
    ];
    for (const [command, field] of cases) {
      const error = spec
        .given()
        .when(command, on('2027-01-20'))
        .thenRefused(command.sessions.length === 0 ? 'programme.empty' : (expect.any(String) as unknown as string));
      expect(error.subject.field).toBe(field);
    }
    const titres = titreCatalogue([{ code: TITRE, label: 'DWWM', ccps: [], validUntil: '2027-06-08' }]);
    const expired = spec
      .given()
      .when(submit(), contextOf({ at: '2027-01-20', actor: centre(), titres }))
      .thenRefused('programme.titre-expired');
    expect(expired.subject.field).toBe('sessions.0.expectedEnd');
  });

  it('accepts a one-day session', () => {
    spec
      .given()
      .when(submit([{ ...line, expectedEnd: line.expectedStart }]), on('2027-01-20'))
      .events();
  });
});
