import { describe, expect, it } from 'vitest';
import { createTestApp, pageGet, pageText, type TestApp } from './support/app.js';
import { fixedClock } from '../../shared/platform/clock.js';

/*
 * Each centre sends its yearly programme to its UD before 31 January (leaflet). Until that day has
 * passed, a centre that has not sent it yet is not late.
 */

/** The views answer that Lyon Formation, a centre of the Rhône, has no programme for 2027 (the in-memory views know no centre). */
const withoutProgramme = (app: TestApp): TestApp => {
  app.deps.views.listCentresBehind = async (_department, year) => [{ centreId: 'ctr_lyon-formation', centreName: 'Lyon Formation', year, reason: 'no-programme' }];
  return app;
};

const text = (markup: string) => pageText(markup.replace(/<[^>]+>/g, ' '));

describe('the yearly programme on the UD’s pages', () => {
  it('given 10 January and a centre that has not sent its programme yet, when the UD opens its dashboard and « Centres en retard », then the centre is shown as not sent yet with the deadline, not as late', async () => {
    const app = withoutProgramme(createTestApp(fixedClock('2027-01-10T09:00:00.000Z')));

    const dashboard = (await pageGet(app, 'ud', '/ud')).body;
    const behind = (await pageGet(app, 'ud', '/ud/retards')).body;

    const late = dashboard.slice(dashboard.indexOf('<h2 id="retards"'), dashboard.indexOf('<h2 id="habilitations"'));
    expect(text(late)).toContain('Lyon Formation');
    expect(text(late)).toContain('Programmation 2027 pas encore transmise (date limite : 31/01/2027)');
    expect(late).not.toContain('badge late');
    expect(text(behind)).toContain('Programmation 2027 pas encore transmise (date limite : 31/01/2027)');
    expect(behind).not.toContain('badge late');
  });

  it('given 1 February and the same centre, when the UD opens its dashboard, then the centre is late', async () => {
    const app = withoutProgramme(createTestApp(fixedClock('2027-02-01T09:00:00.000Z')));

    const dashboard = (await pageGet(app, 'ud', '/ud')).body;

    const late = dashboard.slice(dashboard.indexOf('<h2 id="retards"'), dashboard.indexOf('<h2 id="habilitations"'));
    expect(text(late)).toContain('Lyon Formation');
    expect(late).toContain('<span class="badge late">Aucune programmation 2027</span>');
  });

  it('given December, when the UD opens « Centres en retard », then it can turn to the next year’s programmes (due on 31 January) and back to the year before, without typing an address', async () => {
    const app = createTestApp(fixedClock('2027-12-10T09:00:00.000Z'));

    const page = (await pageGet(app, 'ud', '/ud/retards')).body;

    expect(page).toContain('<h2>Programmation 2027</h2>');
    expect(page).toMatch(/<a href="\/ud\/retards\?annee=2028"\s*>Programmation 2028<\/a>/);
    expect(page).toMatch(/<a href="\/ud\/retards\?annee=2026"\s*>Programmation 2026<\/a>/);
    const next = (await pageGet(app, 'ud', '/ud/retards', { annee: '2028' })).body;
    expect(next).toContain('<h2>Programmation 2028</h2>');
  });
});
