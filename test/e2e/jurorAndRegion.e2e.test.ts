import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { offlineStackInBrowser, seriousAxeViolations, signInAs } from '../support/browser.js';

/*
 * The two pages of the people who are neither centre nor UD, on the whole offline stack in
 * headless Chromium: the demo juror's « Mes convocations » and the regional admin's « Sessions de
 * la région ». The sessions are set up through the HTTP API (the centre's pages are the other
 * suite's subject); the pages are then read in the browser, checked by axe-core and photographed
 * into reports/screenshots/.
 */

const CLAIRE = 'jur_claire-dupont';
const stack = offlineStackInBrowser({ name: 'juror-region-e2e', now: new Date('2027-02-01T08:00:00Z') });

let calls = 0;
/** One API call as a demo user, as a client would make it (a write carries its idempotency key). */
const api = async <T = Record<string, unknown>>(user: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
  calls += 1;
  const response = await fetch(`${stack.runtime.urls.app}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await stack.runtime.signIn(user)}`,
      ...(method === 'POST' ? { 'content-type': 'application/json', 'idempotency-key': `e2e-${calls}-${Date.now()}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} as ${user}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
};

const createSession = async (user: string, ceresReference: string, startDate: string, endDate: string, site: string) =>
  (
    await api<{ sessionId: string }>(user, 'POST', '/api/sessions', {
      ceresReference,
      titreCode: 'RNCP37674',
      startDate,
      endDate,
      site,
      candidates: [{ lastName: 'Martin', firstName: 'Léa', birthDate: '1990-03-12' }],
    })
  ).sessionId;

const mainText = async (page: Page) => (await page.innerText('main')).replace(/\s+/g, ' ');

/** Views follow the events through the change feed: deliver, then reload until the page shows it. */
const reloadUntil = async (page: Page, path: string, text: string) => {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    await stack.runtime.drain();
    await page.goto(`${stack.runtime.urls.app}${path}`);
    if ((await mainText(page)).includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${path} never showed ${text}:\n${await mainText(page)}`);
};

describe('the juror’s convocations and the region’s sessions, in the browser', () => {
  it('a juror sees their sessions and habilitations; the regional admin lists, filters and follows the region’s sessions', async () => {
    const started = Date.now();
    // --- Set-up through the API: Claire (the demo juror) and Louis habilitated in the Rhône.
    await api('ud', 'POST', '/api/jurors', {
      jurorId: CLAIRE,
      lastName: 'Dupont',
      firstName: 'Claire',
      email: 'claire.dupont@jury.example',
      titreCode: 'RNCP37674',
      department: '69',
      validFrom: '2026-01-01',
      validUntil: '2028-06-30',
      professionalisationDate: '2025-11-15',
    });
    const { jurorId: louis } = await api<{ jurorId: string }>('ud', 'POST', '/api/jurors', {
      lastName: 'Moreau',
      firstName: 'Louis',
      email: 'louis.moreau@jury.example',
      titreCode: 'RNCP37674',
      department: '69',
      validFrom: '2026-01-01',
      validUntil: '2028-06-30',
      professionalisationDate: '2025-11-15',
    });
    // March (created late), convoked; June, not convoked yet; September, left the jury; and Grenoble in the Isère.
    const march = await createSession('centre', 'CERES-E2E-MARS', '2027-03-15', '2027-03-16', 'Lyon 7e, plateau numérique');
    const june = await createSession('centre', 'CERES-E2E-JUIN', '2027-06-07', '2027-06-09', 'Villeurbanne, atelier 2');
    const september = await createSession('centre', 'CERES-E2E-SEPT', '2027-09-13', '2027-09-14', 'Lyon 3e, Part-Dieu');
    const grenoble = await createSession('centre2', 'CERES-E2E-GRE', '2027-06-14', '2027-06-15', 'Grenoble, salle B');
    await stack.runtime.drain();
    for (const jurorId of [CLAIRE, louis]) await api('centre', 'POST', `/api/sessions/${march}/jury`, { jurorId, tiedCandidateIds: [] });
    await api('centre', 'POST', `/api/sessions/${march}/convocations`, { audience: 'jurors' });
    await api('centre', 'POST', `/api/sessions/${june}/jury`, { jurorId: CLAIRE, tiedCandidateIds: [] });
    await api('centre', 'POST', `/api/sessions/${september}/jury`, { jurorId: CLAIRE, tiedCandidateIds: [] });
    await api('centre', 'POST', `/api/sessions/${september}/jury/${CLAIRE}/unassign`, { reason: 'Indisponible en septembre' });
    // Two months later, March is over; Claire's habilitation is withdrawn before June.
    await stack.runtime.moveClockTo(new Date('2027-04-01T07:00:00Z'));
    const { juror } = await api<{ juror: { habilitations: { habilitationId: string }[] } }>('ud', 'GET', `/api/jurors/${CLAIRE}`);
    await api('ud', 'POST', `/api/jurors/${CLAIRE}/habilitations/${juror.habilitations[0]?.habilitationId ?? ''}/withdraw`, { reason: 'Changement de métier' });
    console.log(`[e2e] set-up through the API: ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // --- The juror lands on « Mes convocations ».
    const claire = await signInAs(stack.browser, stack.runtime.urls.app, 'juror');
    expect(new URL(claire.page.url()).pathname).toBe('/jure');
    await reloadUntil(claire.page, '/jure', 'Retirée le 01/04/2027');
    const jurorPage = await mainText(claire.page);
    expect(jurorPage).toMatch(
      /Sessions à venir .*du 07\/06\/2027 au 09\/06\/2027 .*Villeurbanne, atelier 2 Convocation pas encore envoyée Habilitation retirée : vous ne pouvez pas siéger/,
    );
    expect(jurorPage).toMatch(/du 13\/09\/2027 au 14\/09\/2027 .*Retiré·e du jury le 01\/02\/2027/);
    expect(jurorPage).toMatch(/Sessions passées .*du 15\/03\/2027 au 16\/03\/2027 .*Lyon 7e, plateau numérique Convocation envoyée le 01\/02\/2027/);
    expect(jurorPage).toContain('Retirée avant la session du 07/06/2027');
    // The centre by the name its manager's signed token gave, not its id.
    expect(jurorPage).toContain('Lyon Formation Département 69');
    expect(jurorPage).not.toContain('ctr_lyon-formation');
    for (const foreign of ['Martin', 'Léa', 'Louis', 'MOREAU', louis, 'CERES-E2E-GRE']) expect(jurorPage).not.toContain(foreign);
    expect(await seriousAxeViolations(claire.page)).toEqual([]);
    await claire.page.screenshot({ path: join(stack.shots, 'jure-mes-convocations.png'), fullPage: true });

    // --- From there, her June session: she declares a tie with its candidate (the permission table lets a juror on the jury).
    await Promise.all([claire.page.waitForURL(new RegExp(`/jure/sessions/${june}$`)), claire.page.click(`a[href="/jure/sessions/${june}"]`)]);
    expect(await mainText(claire.page)).toContain('Déclarer un lien avec un candidat');
    expect(await seriousAxeViolations(claire.page)).toEqual([]);
    // She reads the candidates' names (to know whom she has a link with), nothing else of them.
    expect(await mainText(claire.page)).not.toContain('12/03/1990');
    await claire.page.selectOption('#f-candidateId', { label: 'MARTIN Léa' });
    await Promise.all([claire.page.waitForURL(/ok=lien/), claire.page.click('main form button[type="submit"]')]);
    expect(await mainText(claire.page)).toContain('Le lien avec le candidat est déclaré');
    expect(await seriousAxeViolations(claire.page)).toEqual([]);
    await claire.page.screenshot({ path: join(stack.shots, 'jure-session-lien.png'), fullPage: true });

    // --- The regional admin lands on the region's sessions.
    const region = await signInAs(stack.browser, stack.runtime.urls.app, 'region');
    expect(new URL(region.page.url()).pathname).toBe('/region/sessions');
    await reloadUntil(region.page, '/region/sessions', 'CERES-E2E-GRE');
    const regionPage = await mainText(region.page);
    expect(regionPage.indexOf('CERES-E2E-SEPT')).toBeLessThan(regionPage.indexOf('CERES-E2E-GRE'));
    expect(regionPage.indexOf('CERES-E2E-GRE')).toBeLessThan(regionPage.indexOf('CERES-E2E-JUIN'));
    expect(regionPage.indexOf('CERES-E2E-JUIN')).toBeLessThan(regionPage.indexOf('CERES-E2E-MARS'));
    expect(regionPage).toMatch(/CERES-E2E-MARS du 15\/03\/2027 au 16\/03\/2027 Programmée Manquement : Créée dans CERES moins de trois mois avant le début .*En retard : /);
    expect(regionPage).toMatch(/38 Grenoble Compétences ctr_grenoble-competences .*CERES-E2E-GRE/);
    expect(regionPage).toMatch(/69 Lyon Formation ctr_lyon-formation .*CERES-E2E-MARS/);
    expect(await seriousAxeViolations(region.page)).toEqual([]);
    await region.page.screenshot({ path: join(stack.shots, 'region-sessions.png'), fullPage: true });

    // The department filter, then the history of a session.
    await region.page.selectOption('#f-departement', '38');
    await Promise.all([region.page.waitForURL(/departement=38/), region.page.click('form[role="search"] button[type="submit"]')]);
    const isere = await mainText(region.page);
    expect(isere).toContain('CERES-E2E-GRE');
    expect(isere).not.toContain('CERES-E2E-JUIN');
    expect(await seriousAxeViolations(region.page)).toEqual([]);
    await region.page.screenshot({ path: join(stack.shots, 'region-sessions-isere.png'), fullPage: true });
    await Promise.all([region.page.waitForURL(new RegExp(`/sessions/${grenoble}/historique`)), region.page.click(`a[href="/sessions/${grenoble}/historique"]`)]);
    const history = await mainText(region.page);
    expect(history).toContain('Session créée dans CERES');
    expect(history).toContain('Centre agréé : Grenoble Compétences (ctr_grenoble-competences)');

    // --- The agréments: the two demo centres' (seeded at start), then one recorded through the form.
    await Promise.all([region.page.waitForURL(/\/agrements$/), region.page.click('nav a[href="/agrements"]')]);
    expect(await mainText(region.page)).toMatch(/Grenoble Compétences .*En vigueur.*Lyon Formation .*Lyon 3e, Part-Dieu/);
    await region.page.fill('#f-centreId', 'ctr_givors-formation');
    await region.page.fill('#f-centreName', 'Givors Formation');
    await region.page.fill('#f-email', 'contact@givors.example');
    await region.page.fill('#f-department', '69');
    await region.page.check('input[name="titreCodes"][value="RNCP37674"]');
    await region.page.fill('#f-sites', 'Givors, 3 quai du Rhône\nGrigny');
    await region.page.fill('#f-validFrom', '2027-01-01');
    // The end date left out: the form comes back with the error on its field and what was typed.
    await Promise.all([region.page.waitForLoadState('domcontentloaded'), region.page.click('main form[action="/agrements"] button[type="submit"]')]);
    expect(await mainText(region.page)).toContain('Le formulaire contient 1 erreur');
    expect(await region.page.inputValue('#f-sites')).toContain('Grigny');
    expect(await seriousAxeViolations(region.page)).toEqual([]);
    await region.page.fill('#f-validUntil', '2031-12-31');
    await Promise.all([region.page.waitForURL(/ok=agrement/), region.page.click('main form[action="/agrements"] button[type="submit"]')]);
    await reloadUntil(region.page, '/agrements', 'Givors Formation');
    expect(await seriousAxeViolations(region.page)).toEqual([]);
    await region.page.screenshot({ path: join(stack.shots, 'region-agrements.png'), fullPage: true });
    await Promise.all([region.page.waitForURL(/\/agrements\/ctr_givors-formation$/), region.page.click('a[href="/agrements/ctr_givors-formation"]')]);
    expect(await mainText(region.page)).toContain('Givors, 3 quai du Rhône');
    expect(await seriousAxeViolations(region.page)).toEqual([]);
    await region.page.screenshot({ path: join(stack.shots, 'region-agrement-centre.png'), fullPage: true });

    // --- The titres imported at start from the sample RNCP export, with their blocks and revisions, and the import form.
    await Promise.all([region.page.waitForURL(/\/titres$/), region.page.click('nav a[href="/titres"]')]);
    const titres = await mainText(region.page);
    expect(titres).toMatch(/Développeur web et web mobile \(RNCP37674\) .*Développer la partie front-end.* 01\/09\/2023 19\/07\/2028/);
    expect(titres).not.toContain('BTS');
    expect(await region.page.locator('input[type="file"][name="fiches"]').count()).toBe(1);
    expect(await seriousAxeViolations(region.page)).toEqual([]);
    await region.page.screenshot({ path: join(stack.shots, 'region-titres.png'), fullPage: true });

    await claire.context.close();
    await region.context.close();
    console.log(`[e2e] juror and region pages: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 120_000);
});
