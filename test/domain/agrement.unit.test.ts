import { describe, expect, it } from 'vitest';
import type { Actor } from '../../events/index.js';
import { agrementDecider, type AgrementCommand, type AgrementEvent } from '../../shared/domain/agrement.js';
import { sessionDecider } from '../../shared/domain/session.js';
import { CENTRE, DEPT, REGION, TITRE, agrement, centre, createSessionCommand, ud } from '../domain/fixtures.js';
import { contextOf, specFor } from './specification.js';

const spec = specFor(agrementDecider);
const region = (code = REGION): Actor => ({ role: 'region', id: 'user-region', scope: { region: code } });
const at = (actor: Actor, day = '2026-12-01') => contextOf({ at: day, actor });

/** Lyon Formation's agrément, as the region types it and as it is recorded (clean input passes unchanged). */
const lyon = {
  centreId: CENTRE,
  centreName: 'Lyon Formation',
  department: DEPT,
  region: REGION,
  titreCodes: [TITRE],
  sites: ['Lyon 7e, plateau numérique'],
  validFrom: '2026-01-01',
  validUntil: '2030-12-31',
};

const record = (overrides: Partial<Extract<AgrementCommand, { type: 'RecordAgrement' }>> = {}): AgrementCommand => ({ type: 'RecordAgrement', ...lyon, ...overrides });

const recorded: AgrementEvent = { type: 'AgrementRecorded', data: lyon };

describe('agrément: recorded, amended and withdrawn by the State', () => {
  it('is recorded by the regional direction of the centre’s region, or by the UD of its department', () => {
    spec.given().when(record(), at(region())).then([recorded]);
    spec
      .given()
      .when(record(), at(ud(DEPT)))
      .then([recorded]);
  });

  it('is refused to another region, another department’s UD and to the centre itself', () => {
    spec
      .given()
      .when(record(), at(region('93')))
      .thenRefused('agrement.not-own-territory', 'forbidden', /direction régionale/);
    spec
      .given()
      .when(record(), at(ud('38')))
      .thenRefused('agrement.not-own-territory', 'forbidden');
    spec
      .given()
      .when(record(), at(centre(CENTRE)))
      .thenRefused('agrement.not-own-territory', 'forbidden');
  });

  it('needs known titres, at least one site and dates in order, each refusal on its field', () => {
    expect(
      spec
        .given()
        .when(record({ titreCodes: ['RNCP99999'] }), at(region()))
        .thenRefused('agrement.titre-unknown', 'rule', /RNCP99999/).fields[0]?.field,
    ).toBe('titreCodes');
    expect(
      spec
        .given()
        .when(record({ sites: ['  '] }), at(region()))
        .thenRefused('agrement.sites-missing').fields[0]?.field,
    ).toBe('sites');
    spec
      .given()
      .when(record({ sites: ['Lyon 7e', 'LYON  7E'] }), at(region()))
      .thenRefused('agrement.site-duplicate', 'rule', /Lyon 7e/);
    spec
      .given()
      .when(record({ titreCodes: [TITRE, TITRE] }), at(region()))
      .thenRefused('agrement.titre-duplicate');
    expect(
      spec
        .given()
        .when(record({ validUntil: '2025-12-31' }), at(region()))
        .thenRefused('agrement.dates-inverted').fields[0]?.field,
    ).toBe('validUntil');
    spec
      .given()
      .when(record({ validFrom: '2026-02-30' }), at(region()))
      .thenRefused('agrement.date-invalid');
  });

  it('is recorded once: a second one is an amendment, unless the first was withdrawn', () => {
    spec
      .given([recorded])
      .when(record(), at(region()))
      .thenRefused('agrement.already-recorded', 'conflict', /modifiez-le/);
    const withdrawn: AgrementEvent = { type: 'AgrementWithdrawn', data: { centreId: CENTRE, withdrawnOn: '2026-06-01', reason: 'Contrôle' } };
    spec.given([recorded, withdrawn]).when(record(), at(region())).then([recorded]);
  });

  it('is amended as a whole, with a reason, then withdrawn on the day', () => {
    spec
      .given([recorded])
      .when(
        {
          type: 'AmendAgrement',
          centreId: CENTRE,
          titreCodes: [TITRE],
          sites: ['Lyon 7e', 'Villeurbanne'],
          validFrom: '2026-01-01',
          validUntil: '2031-06-30',
          reason: ' Nouveau site ',
        },
        at(ud()),
      )
      .then([
        {
          type: 'AgrementAmended',
          data: { centreId: CENTRE, titreCodes: [TITRE], sites: ['Lyon 7e', 'Villeurbanne'], validFrom: '2026-01-01', validUntil: '2031-06-30', reason: 'Nouveau site' },
        },
      ]);
    spec
      .given([recorded])
      .when({ type: 'WithdrawAgrement', centreId: CENTRE, reason: 'Manquements répétés' }, at(region(), '2027-03-15'))
      .then([{ type: 'AgrementWithdrawn', data: { centreId: CENTRE, withdrawnOn: '2027-03-15', reason: 'Manquements répétés' } }]);
    spec.given().when({ type: 'WithdrawAgrement', centreId: CENTRE, reason: 'x' }, at(region())).thenRefused('agrement.unknown', 'not-found');
    spec.given([recorded]).when({ type: 'WithdrawAgrement', centreId: CENTRE, reason: ' ' }, at(region())).thenRefused('agrement.reason-missing');
  });
});

describe('session: created only within the centre’s agrément', () => {
  const create = createSessionCommand;
  const sessions = specFor(sessionDecider);
  const asCentre = at(centre(CENTRE), '2027-01-15');

  it('records the site as the agrément spells it, whatever the case, accents and spaces typed', () => {
    const [event] = sessions
      .given()
      .when(create({ site: '  lyon 7E  plateau numerique ' }), asCentre)
      .events();
    expect(event?.type === 'SessionCreated' && event.data.site).toBe('Lyon 7e, plateau numérique');
  });

  it('accepts a place within an agreed site after a comma, keeping the detail as typed', () => {
    const [event] = sessions
      .given()
      .when(create({ site: 'LYON, salle 3, 2e étage' }), asCentre)
      .events();
    expect(event?.type === 'SessionCreated' && event.data.site).toBe('Lyon, salle 3, 2e étage');
    sessions
      .given()
      .when(create({ site: 'Lyonnais, salle 3' }), asCentre)
      .thenRefused('session.site-not-agreed');
  });

  it('is refused without an agrément, saying who records it', () => {
    const refusal = sessions
      .given()
      .when(create({ agrement: undefined }), asCentre)
      .thenRefused('session.no-agrement', 'rule', /direction régionale ou l’unité départementale/);
    expect(refusal.message).toContain('Développeur');
  });

  it('is refused for a titre outside the agrément, naming the titre and the agrément’s dates', () => {
    const refusal = sessions
      .given()
      .when(create({ agrement: agrement({ titreCodes: ['RNCP37873'] }) }), asCentre)
      .thenRefused('session.titre-not-agreed');
    expect(refusal.message).toMatch(/RNCP37674.*valable du 01\/01\/2026 au 31\/12\/2031/);
    expect(refusal.fields[0]?.field).toBe('titreCode');
  });

  it('is refused for days outside the agrément’s validity, on the field that falls outside', () => {
    const refusal = sessions
      .given()
      .when(create({ agrement: agrement({ validUntil: '2027-06-08' }) }), asCentre)
      .thenRefused('session.outside-agrement', 'rule', /du 07\/06\/2027 au 09\/06\/2027 sort de la période .* au 08\/06\/2027/);
    expect(refusal.fields[0]?.field).toBe('endDate');
  });

  it('is refused on a site the agrément does not list, listing those it does', () => {
    const refusal = sessions
      .given()
      .when(create({ site: 'Grenoble' }), asCentre)
      .thenRefused('session.site-not-agreed', 'rule', /« Grenoble ».*« Lyon »/);
    expect(refusal.fields[0]?.field).toBe('site');
  });

  it('is refused once the agrément is withdrawn before the session ends', () => {
    sessions
      .given()
      .when(create({ agrement: agrement({ withdrawnOn: '2027-06-08' }) }), asCentre)
      .thenRefused('session.agrement-withdrawn', 'rule', /retiré le 08\/06\/2027/);
  });
});
