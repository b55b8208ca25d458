import { describe, expect, it } from 'vitest';
import { habilitationsOf, habilitationValidOn, jurorDecider, jurorStreamId, type JurorCommand, type JurorEvent } from '../../shared/domain/juror.js';
import { titreCatalogue } from '../../shared/domain/titres.js';
import { ALICE, DEPT, TITRE, centre, habilitation, ud } from './fixtures.js';
import { contextOf, specFor } from './specification.js';

const spec = specFor(jurorDecider);
const habilitate = (overrides: Partial<Extract<JurorCommand, { type: 'HabilitateJuror' }>> = {}): JurorCommand => ({
  type: 'HabilitateJuror',
  jurorId: ALICE,
  titreCode: TITRE,
  department: DEPT,
  validFrom: '2026-01-01',
  validUntil: '2028-06-30',
  professionalisationDate: '2025-11-15',
  ...overrides,
});
const byUd = (at = '2025-12-10', department = DEPT) => contextOf({ at, actor: ud(department) });
const habilitated: JurorEvent = {
  type: 'JurorHabilitated',
  data: {
    jurorId: ALICE,
    habilitationId: 'hab_alice',
    titreCode: TITRE,
    department: DEPT,
    validFrom: '2026-01-01',
    validUntil: '2028-06-30',
    professionalisationDate: '2025-11-15',
  },
};
/** A titre revised on 1 September 2023, valid until mid-2028. */
const revised = titreCatalogue([{ code: TITRE, label: 'Développeur web et web mobile', ccps: [], validUntil: '2028-07-19', revisedOn: '2023-09-01' }]);

describe('juror habilitation', () => {
  it('names its stream after the juror', () => {
    expect(jurorStreamId(ALICE)).toBe('juror-jur_alice');
  });

  it('is granted by a UD agent of the juror’s department for a titre and a period', () => {
    spec
      .given()
      .when(habilitate(), byUd())
      .then([{ ...habilitated, data: { ...habilitated.data, habilitationId: 'hab_t1' } }]);
  });

  it('is refused to a UD agent of another department and to a centre', () => {
    spec.given().when(habilitate(), byUd('2025-12-10', '38')).thenRefused('habilitation.not-own-department', 'forbidden', /69/);
    spec
      .given()
      .when(habilitate(), contextOf({ at: '2025-12-10', actor: centre() }))
      .thenRefused('habilitation.not-own-department', 'forbidden');
  });

  it('refuses an unknown titre', () => {
    spec
      .given()
      .when(habilitate({ titreCode: 'RNCP99999' }), byUd())
      .thenRefused('habilitation.titre-unknown', 'not-found', /RNCP99999/);
  });

  it('refuses dates that do not exist or a period that ends before it begins', () => {
    spec
      .given()
      .when(habilitate({ validUntil: '2027-02-29' }), byUd())
      .thenRefused('habilitation.date-invalid');
    spec
      .given()
      .when(habilitate({ validFrom: '2026-13-01' }), byUd())
      .thenRefused('habilitation.date-invalid');
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2025-11-31' }), byUd())
      .thenRefused('habilitation.date-invalid');
    spec
      .given()
      .when(habilitate({ validFrom: '2026-07-01', validUntil: '2026-06-30' }), byUd())
      .thenRefused('habilitation.dates-inverted');
    spec
      .given()
      .when(habilitate({ validFrom: '2026-06-30', validUntil: '2026-06-30' }), byUd())
      .events();
  });

  it('cannot outlast the titre’s validity', () => {
    spec
      .given()
      .when(habilitate({ validUntil: '2028-07-20' }), byUd())
      .thenRefused('habilitation.outlasts-titre', 'rule', /19\/07\/2028/);
    spec
      .given()
      .when(habilitate({ validUntil: '2028-07-19' }), byUd())
      .events();
  });

  it('requires the professionalisation session before the habilitation', () => {
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2026-01-02' }), byUd('2026-01-05'))
      .thenRefused('habilitation.professionalisation-missing', 'rule', /professionnalisation/);
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2025-12-11' }), byUd('2025-12-10'))
      .thenRefused('habilitation.professionalisation-missing');
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2025-12-10' }), byUd('2025-12-10'))
      .events();
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2026-01-01', validFrom: '2026-01-01' }), byUd('2026-01-01'))
      .events();
  });

  it('keeps a professionalisation followed less than two years before the titre’s revision', () => {
    const at = contextOf({ at: '2025-12-10', actor: ud(), titres: revised });
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2021-09-02' }), at)
      .events();
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2023-10-01' }), at)
      .events();
  });

  it('requires a new professionalisation when the last one is two years or more older than the revision', () => {
    const at = contextOf({ at: '2025-12-10', actor: ud(), titres: revised });
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2021-09-01' }), at)
      .thenRefused('habilitation.professionalisation-outdated', 'rule', /01\/09\/2021/);
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2020-01-01' }), at)
      .thenRefused('habilitation.professionalisation-outdated');
  });

  it('reads the two years from the settings', () => {
    const at = contextOf({ at: '2025-12-10', actor: ud(), titres: revised, settings: { professionalisationValidityYears: 3 } });
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2021-09-01' }), at)
      .events();
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2020-09-01' }), at)
      .thenRefused('habilitation.professionalisation-outdated', 'rule', /3 ans/);
  });

  it('refuses a second habilitation overlapping an active one for the same titre and department', () => {
    spec
      .given([habilitated])
      .when(habilitate({ validFrom: '2028-06-30', validUntil: '2028-07-01' }), byUd())
      .thenRefused('habilitation.overlap', 'conflict', /30\/06\/2028/);
    spec
      .given([habilitated])
      .when(habilitate({ validFrom: '2025-12-20', validUntil: '2026-01-01' }), byUd())
      .thenRefused('habilitation.overlap', 'conflict');
    spec
      .given([habilitated])
      .when(habilitate({ validFrom: '2028-07-01', validUntil: '2028-07-19' }), byUd())
      .events();
    spec
      .given([habilitated])
      .when(habilitate({ validFrom: '2025-12-20', validUntil: '2025-12-31' }), byUd())
      .events();
    spec
      .given([habilitated])
      .when(habilitate({ titreCode: 'RNCP37873' }), byUd())
      .events();
  });

  it('is left to the UD of the department where the juror holds a running habilitation', () => {
    // Claimed by the UD of another department (with its own department in the command), it is refused.
    spec
      .given([habilitated])
      .when(habilitate({ department: '38', titreCode: 'RNCP37873' }), byUd('2025-12-10', '38'))
      .thenRefused('habilitation.juror-of-other-department', 'forbidden', /autre département/);
    // A juror who moved: once the old habilitation is withdrawn, or over, the new department's UD habilitates.
    const withdrawn: JurorEvent = { type: 'HabilitationWithdrawn', data: { jurorId: ALICE, habilitationId: 'hab_alice', withdrawnOn: '2026-03-01', reason: 'Déménagement' } };
    spec
      .given([habilitated, withdrawn])
      .when(habilitate({ department: '38', validFrom: '2026-04-01' }), byUd('2026-03-10', '38'))
      .events();
    spec
      .given([habilitated])
      .when(habilitate({ department: '38', validFrom: '2028-07-01', validUntil: '2028-07-19' }), byUd('2028-07-01', '38'))
      .events();
    spec
      .given([habilitated])
      .when(habilitate({ department: '38', validFrom: '2028-07-01', validUntil: '2028-07-19' }), byUd('2028-06-30', '38'))
      .thenRefused('habilitation.juror-of-other-department', 'forbidden');
  });

  it('records the identity of a juror not habilitated yet only', () => {
    spec
      .given()
      .when(habilitate({ recordsIdentity: true }), byUd())
      .events();
    spec
      .given([habilitated])
      .when(habilitate({ titreCode: 'RNCP37873', recordsIdentity: true }), byUd())
      .thenRefused('juror.identity-known', 'rule', /ne se modifient pas/);
    spec
      .given([habilitated])
      .when(habilitate({ titreCode: 'RNCP37873' }), byUd())
      .events();
  });

  it('allows a new habilitation once the overlapping one was withdrawn', () => {
    const withdrawn: JurorEvent = { type: 'HabilitationWithdrawn', data: { jurorId: ALICE, habilitationId: 'hab_alice', withdrawnOn: '2026-03-01', reason: 'Déménagement' } };
    spec
      .given([habilitated, withdrawn])
      .when(habilitate({ validFrom: '2026-04-01' }), byUd('2026-03-10'))
      .events();
  });

  it('is withdrawn by a UD agent of its department, with a reason', () => {
    spec
      .given([habilitated])
      .when({ type: 'WithdrawHabilitation', jurorId: ALICE, habilitationId: 'hab_alice', reason: '  Conflit d’intérêts  ' }, byUd('2026-03-01'))
      .then([{ type: 'HabilitationWithdrawn', data: { jurorId: ALICE, habilitationId: 'hab_alice', withdrawnOn: '2026-03-01', reason: 'Conflit d’intérêts' } }]);
  });

  it('refuses a withdrawal of an unknown habilitation, by another department, twice, or without a reason', () => {
    const withdraw = (reason = 'Motif') => ({ type: 'WithdrawHabilitation', jurorId: ALICE, habilitationId: 'hab_alice', reason }) as const;
    spec.given().when(withdraw(), byUd()).thenRefused('habilitation.unknown', 'not-found');
    spec
      .given([habilitated])
      .when({ ...withdraw(), habilitationId: 'hab_other' }, byUd())
      .thenRefused('habilitation.unknown', 'not-found', /hab_other/);
    spec.given([habilitated]).when(withdraw(), byUd('2026-03-01', '38')).thenRefused('habilitation.not-own-department', 'forbidden');
    spec.given([habilitated]).when(withdraw('   '), byUd('2026-03-01')).thenRefused('habilitation.reason-missing');
    const withdrawn: JurorEvent = { type: 'HabilitationWithdrawn', data: { jurorId: ALICE, habilitationId: 'hab_alice', withdrawnOn: '2026-03-01', reason: 'x' } };
    spec
      .given([habilitated, withdrawn])
      .when(withdraw(), byUd('2026-03-02'))
      .thenRefused('habilitation.already-withdrawn', 'conflict', /01\/03\/2026/);
  });

  it('folds habilitations and withdrawals into the snapshot a jury assignment carries', () => {
    const withdrawn: JurorEvent = { type: 'HabilitationWithdrawn', data: { jurorId: ALICE, habilitationId: 'hab_alice', withdrawnOn: '2026-03-01', reason: 'x' } };
    const stray: JurorEvent = { type: 'HabilitationWithdrawn', data: { jurorId: ALICE, habilitationId: 'hab_none', withdrawnOn: '2026-03-01', reason: 'x' } };
    expect(habilitationsOf(jurorDecider.initialState)).toEqual([]);
    const state = [habilitated, stray, withdrawn].reduce(jurorDecider.evolve, jurorDecider.initialState);
    expect(habilitationsOf(state)).toEqual([{ ...habilitation(ALICE), withdrawnOn: '2026-03-01' }]);
    expect([stray].reduce(jurorDecider.evolve, jurorDecider.initialState)).toEqual(jurorDecider.initialState);
  });

  it('counts a habilitation from its first to its last day, and not from its withdrawal', () => {
    const h = habilitation(ALICE);
    expect([habilitationValidOn(h, '2025-12-31'), habilitationValidOn(h, '2026-01-01'), habilitationValidOn(h, '2028-06-30'), habilitationValidOn(h, '2028-07-01')]).toEqual([
      false,
      true,
      true,
      false,
    ]);
    const w = { ...h, withdrawnOn: '2027-01-10' };
    expect([habilitationValidOn(w, '2027-01-09'), habilitationValidOn(w, '2027-01-10')]).toEqual([true, false]);
  });
});

describe('juror refusals point at what to correct', () => {
  it('names the field of the form to correct', () => {
    const at = contextOf({ at: '2025-12-10', actor: ud(), titres: revised });
    const cases: [JurorEvent[], JurorCommand, string][] = [
      [[], habilitate({ titreCode: 'RNCP99999' }), 'titreCode'],
      [[], habilitate({ validUntil: '2027-02-29' }), 'validUntil'],
      [[], habilitate({ validFrom: '2026-07-01', validUntil: '2026-06-30' }), 'validUntil'],
      [[], habilitate({ validUntil: '2028-07-20' }), 'validUntil'],
      [[], habilitate({ professionalisationDate: '2025-12-11' }), 'professionalisationDate'],
      [[], habilitate({ professionalisationDate: '2020-01-01' }), 'professionalisationDate'],
      [[habilitated], { type: 'WithdrawHabilitation', jurorId: ALICE, habilitationId: 'hab_alice', reason: ' ' }, 'reason'],
    ];
    for (const [events, command, field] of cases) {
      const error = (() => {
        try {
          jurorDecider.decide(command, events.reduce(jurorDecider.evolve, jurorDecider.initialState), at);
        } catch (caught) {
          return caught as { subject: { field?: string } };
        }
        throw new Error(`${command.type} was accepted`);
      })();
      expect(error.subject.field).toBe(field);
    }
  });

  it('does not ask for a new professionalisation when the titre was never revised', () => {
    const neverRevised = titreCatalogue([{ code: TITRE, label: 'Titre jamais révisé', ccps: [], validUntil: '2028-07-19' }]);
    spec
      .given()
      .when(habilitate({ professionalisationDate: '2012-05-01' }), contextOf({ at: '2025-12-10', actor: ud(), titres: neverRevised }))
      .events();
  });
});
