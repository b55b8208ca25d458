import { beforeAll, describe, expect, it } from 'vitest';
import { apiCall, createTestApp, pageGet, type TestApp } from './support/app.js';
import { movableClock } from './support/clock.js';
import { lateSessionInput, runToSeals, seedSession, type Seeded } from './support/scenario.js';

/*
 * The UD's landing page is a dashboard of its department: this week's sessions, PVs to instruct,
 * late centres and steps, habilitations ending within 90 days.
 */

let app: TestApp;
let seeded: Seeded;
let page: string;

/** One section of the page, from its heading to the next. */
const section = (id: string) => {
  const start = page.indexOf(`<h2 id="${id}"`);
  expect(start).toBeGreaterThan(-1);
  const end = page.indexOf('<h2', start + 1);
  return page.slice(start, end === -1 ? undefined : end);
};

beforeAll(async () => {
  const clock = movableClock('2027-02-01T09:00:00.000Z');
  app = createTestApp(clock);
  seeded = await seedSession(app);
  // A session left behind: created in February for April, never given a jury nor a PV.
  expect((await apiCall(app, 'centre', 'POST', '/api/sessions', lateSessionInput)).statusCode).toBe(201);
  // Next week's session, with one juror only: not this week's business yet.
  const next = await apiCall(app, 'centre', 'POST', '/api/sessions', { ...lateSessionInput, ceresReference: 'CERES-2027-0099', startDate: '2027-06-14', endDate: '2027-06-15' });
  expect(next.statusCode, next.body).toBe(201);
  // A juror whose habilitation ends in August, and one whose ends next year.
  for (const [lastName, validUntil] of [
    ['Garnier', '2027-08-31'],
    ['Faure', '2027-12-31'],
  ] as const) {
    const response = await apiCall(app, 'ud', 'POST', '/api/jurors', {
      lastName,
      firstName: 'Alex',
      email: `${lastName.toLowerCase()}@jury.example`,
      titreCode: 'RNCP37674',
      department: '69',
      validFrom: '2026-01-01',
      validUntil,
      professionalisationDate: '2025-11-15',
    });
    expect(response.statusCode, response.body).toBe(201);
  }
  await runToSeals(app, clock, seeded);
  clock.set('2027-06-09T07:00:00.000Z');
  const response = await pageGet(app, 'ud', '/ud');
  expect(response.statusCode, response.body).toBe(200);
  page = response.body;
});

describe('the UD dashboard', () => {
  it('is titled as the department’s dashboard and reached from « Tableau de bord »', () => {
    expect(page).toContain('<h1>Tableau de bord de l’unité départementale</h1>');
    expect(page).toContain('<a href="/ud"');
    expect(page).toContain('semaine du 07/06/2027 au 13/06/2027');
  });

  it('lists this week’s sessions, not next week’s', () => {
    const week = section('semaine');
    expect(week).toContain('CERES-2027-0042');
    expect(week).not.toContain('CERES CERES');
    expect(week).not.toContain('CERES-2027-0099');
    expect(week).toContain('2 membres');
  });

  it('shows the late steps of the department’s sessions', () => {
    const late = section('retards');
    expect(late).toContain('CERES-2027-0077');
    expect(late).toContain('Jury complet');
    expect(late).toContain('En retard de');
  });

  it('lists the habilitations ending within 90 days, by name', () => {
    const ending = section('habilitations');
    expect(ending).toContain('Alex GARNIER');
    expect(ending).toContain('le 31/08/2027');
    expect(ending).not.toContain('FAURE');
    expect(ending).not.toContain('DUPONT');
  });

  it('keeps the PVs to instruct, empty while none is transmitted', () => {
    expect(section('pv')).toContain('Aucun procès-verbal en attente d’instruction.');
  });
});
