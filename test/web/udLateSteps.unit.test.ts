import { describe, expect, it } from 'vitest';
import { apiCall, createTestApp, pageGet, pageText } from './support/app.js';

/*
 * The UD sees the late steps of its department's sessions twice: on its dashboard (« Retards ») and
 * on « Centres en retard ». Both lists are the same list.
 */

const text = (markup: string) => pageText(markup.replace(/<[^>]+>/g, ' '));

describe('the late steps of the department', () => {
  it('given a session starting after next Monday whose jurors’ convocations are overdue, when the UD opens its dashboard, then the step is listed late there as on « Centres en retard »', async () => {
    // Monday 1 February 2027; the session starts on Thursday 11 February: jurors were to be convoked by 27 January.
    const app = createTestApp();
    const created = await apiCall(app, 'centre', 'POST', '/api/sessions', {
      ceresReference: 'CERES-2027-0111',
      titreCode: 'RNCP37674',
      startDate: '2027-02-11',
      endDate: '2027-02-12',
      site: 'Lyon 7e',
      candidates: [{ lastName: 'Roux', firstName: 'Inès', birthDate: '1995-01-30' }],
    });
    expect(created.statusCode, created.body).toBe(201);

    const behind = text((await pageGet(app, 'ud', '/ud/retards')).body);
    const dashboard = (await pageGet(app, 'ud', '/ud')).body;

    expect(behind).toContain('Convocation des membres du jury — 27/01/2027');
    const late = text(dashboard.slice(dashboard.indexOf('<h2 id="retards"'), dashboard.indexOf('<h2 id="habilitations"')));
    expect(late).not.toContain('Aucune étape en retard');
    expect(late).toContain('CERES-2027-0111');
    expect(late).toContain('Convocation des membres du jury, au plus tard le 27/01/2027');
  });

  it('given two late sessions of the same titre and centre, when the UD opens « Centres en retard », then each is told by its CERES reference and dates, as on the dashboard', async () => {
    const app = createTestApp();
    for (const [ceresReference, site] of [
      ['CERES-2027-0111', 'Lyon 7e'],
      ['CERES-2027-0112', 'Villeurbanne'],
    ]) {
      const created = await apiCall(app, 'centre', 'POST', '/api/sessions', {
        ceresReference,
        titreCode: 'RNCP37674',
        startDate: '2027-02-11',
        endDate: '2027-02-12',
        site,
        candidates: [{ lastName: 'Roux', firstName: 'Inès', birthDate: '1995-01-30' }],
      });
      expect(created.statusCode, created.body).toBe(201);
    }

    const behind = text((await pageGet(app, 'ud', '/ud/retards')).body);

    expect(behind).toContain('CERES-2027-0111, du 11/02/2027 au 12/02/2027');
    expect(behind).toContain('CERES-2027-0112, du 11/02/2027 au 12/02/2027');
  });
});
