import { describe, expect, it } from 'vitest';
import { sessionDecider, type SessionCommand, type SessionEvent, type SessionState } from '../../shared/domain/session.js';
import { CAND_A, CAND_B, END, OTHER_CENTRE, START, assigned, centre, created, ready, signedHistory, started, ALICE } from './fixtures.js';
import { contextOf, specFor } from './specification.js';

/*
 * The leaflet: before the session, the session manager « affiche la date, l’heure, l’ordre de
 * passage des candidats et la nature des épreuves ». The order of passage is posted as a whole,
 * replaced as a whole, until the PV is signed.
 */
const spec = specFor(sessionDecider);
const asCentre = (at: string, centreId?: string) => contextOf({ at, actor: centre(centreId) });
const fold = (events: readonly SessionEvent[]): SessionState => events.reduce(sessionDecider.evolve, sessionDecider.initialState);

type Passages = Extract<SessionCommand, { type: 'SchedulePassages' }>['passages'];
const schedule = (passages: Passages): SessionCommand => ({ type: 'SchedulePassages', passages });
const full: Passages = [
  { candidateId: CAND_B, test: 'mise-en-situation', on: START, at: '13:30' },
  { candidateId: CAND_A, test: 'entretien-final', on: END, at: '09:00' },
  { candidateId: CAND_A, test: 'mise-en-situation', on: START, at: '08:30' },
  { candidateId: CAND_B, test: 'entretien-final', on: END, at: '09:00' },
];

describe('the order of passage', () => {
  it('records each candidate’s tests in the order of passage (day, then time, then as given), dated the day it is posted', () => {
    spec
      .given([created(), assigned(ALICE)])
      .when(schedule(full), asCentre('2027-05-20'))
      .then([
        {
          type: 'PassagesScheduled',
          data: {
            scheduledOn: '2027-05-20',
            passages: [
              { candidateId: CAND_A, test: 'mise-en-situation', on: START, at: '08:30' },
              { candidateId: CAND_B, test: 'mise-en-situation', on: START, at: '13:30' },
              { candidateId: CAND_A, test: 'entretien-final', on: END, at: '09:00' },
              { candidateId: CAND_B, test: 'entretien-final', on: END, at: '09:00' },
            ],
          },
        },
      ]);
  });

  it('replaces the previous order as a whole, also once the session has started (a candidate moved to the second day)', () => {
    const first: SessionEvent = { type: 'PassagesScheduled', data: { scheduledOn: '2027-05-20', passages: [...full] } };
    const moved: Passages = [
      { candidateId: CAND_A, test: 'mise-en-situation', on: START, at: '08:30' },
      { candidateId: CAND_B, test: 'mise-en-situation', on: '2027-06-08', at: '08:30' },
    ];
    const events = spec
      .given([...started, first])
      .when(schedule(moved), asCentre('2027-06-07'))
      .events();
    const state = fold([...started, first, ...events]);
    expect(state.status === 'started' && state.passages).toEqual({ scheduledOn: '2027-06-07', passages: moved });
  });

  it('refuses, field by field, a candidate not registered, a day outside the session’s and a test given twice to a candidate, and records nothing', () => {
    const error = spec
      .given(ready)
      .when(
        schedule([
          { candidateId: CAND_A, test: 'mise-en-situation', on: START, at: '08:30' },
          { candidateId: CAND_B, test: 'mise-en-situation', on: '2027-06-10', at: '08:30' },
          { candidateId: 'cand_z', test: 'entretien-final', on: END, at: '10:00' },
          { candidateId: CAND_A, test: 'mise-en-situation', on: END, at: '14:00' },
        ]),
        asCentre('2027-05-20'),
      )
      .thenRefused('passages.invalid', 'rule', /cand_z/);
    expect(error.fields).toEqual([
      { field: 'passages.1.on', message: 'Le jour de l’épreuve doit être entre le 07/06/2027 et le 09/06/2027, dates de la session.' },
      { field: 'passages.2.candidateId', message: 'Le candidat cand_z n’est pas inscrit à cette session.' },
      { field: 'passages.3.test', message: 'Cette épreuve est déjà prévue pour ce candidat, à la ligne 1.' },
    ]);
    expect(error.subject.candidateIds).toEqual(['cand_z']);
  });

  it('refuses a candidate starting two different tests on the same day at the same time, on the second row’s time', () => {
    const error = spec
      .given(ready)
      .when(
        schedule([
          { candidateId: CAND_A, test: 'mise-en-situation', on: START, at: '08:30' },
          { candidateId: CAND_B, test: 'mise-en-situation', on: START, at: '08:30' },
          { candidateId: CAND_A, test: 'entretien-final', on: START, at: '08:30' },
          { candidateId: CAND_B, test: 'entretien-final', on: END, at: '08:30' },
        ]),
        asCentre('2027-05-20'),
      )
      .thenRefused('passages.invalid', 'rule');
    // Two candidates at once (workstations side by side) and one candidate at 8:30 on two days are allowed.
    expect(error.fields).toEqual([{ field: 'passages.2.at', message: 'Ce candidat commence déjà une autre épreuve ce jour à cette heure, à la ligne 1.' }]);
  });

  it('refuses an order that leaves a registered candidate out, naming them', () => {
    const error = spec
      .given(ready)
      .when(schedule([{ candidateId: CAND_A, test: 'mise-en-situation', on: START, at: '08:30' }]), asCentre('2027-05-20'))
      .thenRefused('passages.candidate-missing', 'rule', /il manque le candidat cand_b\./);
    expect(error.subject.candidateIds).toEqual([CAND_B]);
  });

  it('refuses an empty order, once the PV is signed, and to another centre', () => {
    spec.given(ready).when(schedule([]), asCentre('2027-05-20')).thenRefused('passages.empty');
    spec.given(signedHistory).when(schedule(full), asCentre('2027-06-10')).thenRefused('passages.too-late');
    spec.given(ready).when(schedule(full), asCentre('2027-05-20', OTHER_CENTRE)).thenRefused('session.not-own-centre', 'forbidden');
  });
});
