import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createS3Client } from '../../shared/aws/s3.js';
import { offlineStackInBrowser } from '../support/browser.js';

/*
 * The whole offline stack in headless Chromium: a session manager goes from the yearly programme to
 * the transmitted PV using only the pages, a UD agent validates it, the results turn official and
 * the mails are in the SES emulator's store. axe-core checks every page; screenshots of the main
 * pages go to reports/screenshots/.
 */

const axeFindings: string[] = [];
const stack = offlineStackInBrowser({ name: 'web-e2e', now: new Date('2027-05-18T07:00:00Z') });

const url = (path: string) => `${stack.runtime.urls.app}${path}`;
const started = Date.now();
/** Elapsed time per step, printed for the record (the whole run must stay within its budget). */
const mark = (label: string) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)} s] ${label}`);

/** axe-core on the page as it stands: no serious or critical violation. */
const audit = async (page: Page, name: string, screenshot = false) => {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  axeFindings.push(...bad.map((violation) => `${name}: ${violation.id} (${violation.nodes.map((n) => n.target.join(' ')).join(', ')})`));
  if (screenshot) await page.screenshot({ path: join(stack.shots, `${name}.png`), fullPage: true });
};

const signIn = async (handle: string): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await stack.browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  await page.goto(url('/'));
  await expect.poll(() => page.url()).toContain('/connexion');
  await audit(page, `connexion-${handle}`);
  await page.check(`input[name="utilisateur"][value="${handle}"]`);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/connexion')), page.click('button[type="submit"]')]);
  return { context, page };
};

/** Views follow the events through the change feed: deliver, then reload until the page shows it. */
const reloadUntil = async (page: Page, text: string | RegExp, path?: string) => {
  for (let attempt = 0; attempt < 30; attempt += 1) {
    await stack.runtime.drain();
    if (path) await page.goto(url(path));
    else await page.reload();
    const body = await page.content();
    if (typeof text === 'string' ? body.includes(text) : text.test(body)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Page ${page.url()} never showed ${String(text)}:\n${(await page.textContent('main')) ?? ''}`);
};

const submit = async (page: Page, selector = 'main form button[type="submit"]') => {
  await Promise.all([page.waitForLoadState('load'), page.locator(selector).first().click()]);
  await page.waitForLoadState('load');
};

const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

describe('a session from the programme to the official results, in the browser', () => {
  it('the centre and the UD do every step with the pages alone', async () => {
    // --- The UD habilitates two jurors.
    mark('The UD habilitates two jurors.');
    const ud = await signIn('ud');
    await ud.page.goto(url('/ud/jures'));
    await audit(ud.page, 'ud-jures', false);
    for (const [lastName, firstName] of [
      ['Dupont', 'Claire'],
      ['Moreau', 'Louis'],
    ]) {
      await ud.page.goto(url('/ud/jures'));
      await ud.page.fill('#f-lastName', lastName ?? '');
      await ud.page.fill('#f-firstName', firstName ?? '');
      await ud.page.fill('#f-email', `${firstName?.toLowerCase()}.${lastName?.toLowerCase()}@jury.example`);
      await ud.page.selectOption('#f-titreCode', 'RNCP37674');
      await ud.page.fill('#f-validFrom', '2026-01-01');
      await ud.page.fill('#f-validUntil', '2028-06-30');
      await ud.page.fill('#f-professionalisationDate', '2025-11-15');
      await submit(ud.page, 'form[action="/ud/jures"] button[type="submit"]');
      expect(ud.page.url()).toContain('ok=habilitation');
    }
    await reloadUntil(ud.page, 'Louis MOREAU', '/ud/jures');
    await audit(ud.page, 'ud-habilitations', true);

    // --- The centre: dashboard, programme.
    mark('The centre: dashboard, programme.');
    const centre = await signIn('centre');
    expect(centre.page.url()).toContain('/centre');
    // A centre with no session yet reads how to start, and the menu names the step as its page does.
    expect(await centre.page.textContent('main')).toContain('Créez d’abord la session dans CERES, au moins trois mois avant son début');
    expect(await centre.page.textContent('nav[aria-label="Navigation principale"]')).toContain('Enregistrer une session');
    await audit(centre.page, 'centre-tableau-de-bord-vide', true);
    await centre.page.click('text=Saisir ou modifier la programmation 2027');
    await audit(centre.page, 'centre-programmation', true);
    await centre.page.selectOption('#f-sessions-0-titreCode', 'RNCP37674');
    await centre.page.fill('#f-sessions-0-expectedStart', '2027-06-07');
    await centre.page.fill('#f-sessions-0-expectedEnd', '2027-06-09');
    await centre.page.fill('#f-sessions-0-expectedCandidates', '2');
    await submit(centre.page);
    expect(centre.page.url()).toContain('ok=programme');

    // --- Session creation: first with a mistake, kept and linked, then corrected.
    mark('Session creation: first with a mistake, kept and linked, then corrected.');
    await centre.page.goto(url('/centre/sessions/nouvelle'));
    await centre.page.fill('#f-ceresReference', 'CERES-2027-0042');
    await centre.page.selectOption('#f-titreCode', 'RNCP37674');
    await centre.page.fill('#f-startDate', '2027-06-07');
    await centre.page.fill('#f-endDate', '2027-06-09');
    await centre.page.fill('#f-site', 'Lyon 7e, <plateau numérique>');
    await centre.page.fill('#f-candidates-0-lastName', 'Martin');
    await centre.page.fill('#f-candidates-0-firstName', 'Léa');
    await centre.page.fill('#f-candidates-1-lastName', 'Petit');
    await centre.page.fill('#f-candidates-1-firstName', 'Hugo');
    await centre.page.fill('#f-candidates-1-birthDate', '1988-07-21');
    // More rows, from the button under the form: what was typed stays.
    await submit(centre.page, 'button[name="lignes"]');
    expect(await centre.page.locator('fieldset legend', { hasText: /^Candidat n° \d+$/ }).count()).toBe(16);
    expect(await centre.page.inputValue('#f-ceresReference')).toBe('CERES-2027-0042');
    expect(await centre.page.inputValue('#f-candidates-1-birthDate')).toBe('1988-07-21');
    await submit(centre.page);
    await expect.poll(() => centre.page.textContent('.error-summary')).toContain('Date de naissance, ligne 1 : Ce champ est obligatoire.');
    expect(await centre.page.inputValue('#f-candidates-0-lastName')).toBe('Martin');
    // The form comes back with the focus on its errors: the keyboard starts there.
    expect(await centre.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('erreurs');
    await audit(centre.page, 'centre-creation-erreurs', true);
    await centre.page.click('.error-summary a');
    expect(await centre.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe(
      'f-candidates-0-birthDate',
    );
    await centre.page.fill('#f-candidates-0-birthDate', '1990-03-12');
    await submit(centre.page);
    expect(centre.page.url()).toMatch(/\/centre\/sessions\/ses_[0-9A-Z]+\?ok=session/);
    const sessionPath = new URL(centre.page.url()).pathname;
    const sessionId = sessionPath.split('/').pop() ?? '';
    await reloadUntil(centre.page, 'CERES-2027-0042', sessionPath);
    expect(await centre.page.textContent('main')).toContain('Lyon 7e, <plateau numérique>');

    // --- Jury: only the eligible jurors are offered; two are designated.
    mark('Jury: only the eligible jurors are offered; two are designated.');
    await centre.page.goto(url(`${sessionPath}/jury`));
    await audit(centre.page, 'centre-jury', true);
    for (const _member of [1, 2]) {
      await centre.page.goto(url(`${sessionPath}/jury`));
      await centre.page.locator('input[name="jurorId"]').first().check();
      await submit(centre.page);
      await reloadUntil(centre.page, /Claire DUPONT|Louis MOREAU/, sessionPath);
    }
    await reloadUntil(centre.page, /Jury désigné \(2 membres/, sessionPath);
    // Before day one each member may be removed, through a page of its own (not submitted here).
    await centre.page.goto(url(`${sessionPath}/jury`));
    await audit(centre.page, 'centre-jury-designated', true);
    const removal = centre.page.locator('main a', { hasText: 'Retirer du jury' });
    expect(await removal.count()).toBe(2);
    await Promise.all([centre.page.waitForLoadState('load'), removal.first().click()]);
    expect(await centre.page.textContent('main')).toMatch(/Vous retirez (Claire DUPONT|Louis MOREAU) du jury de la session/);
    await audit(centre.page, 'centre-jury-removal', true);

    // --- Accommodation, and the jury informed.
    mark('Accommodation, and the jury informed.');
    await centre.page.goto(url(`${sessionPath}/amenagements`));
    await centre.page.selectOption('#f-candidateId', { index: 1 });
    await centre.page.fill('#f-adaptation', 'Tiers-temps');
    await submit(centre.page);
    await reloadUntil(centre.page, 'J’ai informé le jury', `${sessionPath}/amenagements`);
    await audit(centre.page, 'centre-amenagements');
    await submit(centre.page, 'form[action$="/amenagements/information"] button');

    // --- Convocations of the jury and of the candidates.
    mark('Convocations of the jury and of the candidates.');
    for (const audience of ['jurors', 'candidates']) {
      await centre.page.goto(url(`${sessionPath}/convocations`));
      await submit(centre.page, `form:has(input[name="audience"][value="${audience}"]) button`);
    }
    await reloadUntil(centre.page, /Envoyées[\s\S]*Envoyées/, `${sessionPath}/convocations`);
    await audit(centre.page, 'centre-convocations', true);

    // --- The order of passage, posted and printed.
    mark('The order of passage, posted and printed.');
    await centre.page.goto(url(`${sessionPath}/passages`));
    const timeInputs = await centre.page.locator('input[type="time"]').all();
    const prefilled = await centre.page.locator('select[name$=".candidateId"] option[selected]:not([value=""])').count();
    expect(prefilled).toBeGreaterThan(0);
    for (const [index, input] of timeInputs.slice(0, prefilled).entries()) await input.fill(`${String(8 + index).padStart(2, '0')}:30`);
    await audit(centre.page, 'centre-ordre-de-passage', true);
    await submit(centre.page);
    await reloadUntil(centre.page, 'Voir et imprimer l’ordre de passage', sessionPath);
    await centre.page.goto(url(`${sessionPath}/affichage`));
    expect(await centre.page.locator('main table tbody tr').count()).toBe(prefilled);
    expect(await centre.page.locator('main').innerText()).toContain('8 h 30');
    await audit(centre.page, 'centre-affichage-ordre-de-passage', true);
    // Printed: the content alone, no menu, breadcrumb nor footer.
    await centre.page.emulateMedia({ media: 'print' });
    expect(await centre.page.locator('header.site').isVisible()).toBe(false);
    expect(await centre.page.locator('main table').first().isVisible()).toBe(true);
    await centre.page.screenshot({ path: join(stack.shots, 'centre-affichage-imprime.png'), fullPage: true });
    await centre.page.emulateMedia({ media: 'screen' });

    // --- Day one: plateau technique, then the seal check with the draw.
    mark('Day one: plateau technique, then the seal check with the draw.');
    await stack.runtime.moveClockTo(new Date('2027-06-07T05:30:00Z'));
    await centre.page.goto(url(`${sessionPath}/plateau`));
    for (const box of await centre.page.locator('input[name="jurorIds"]').all()) await box.check();
    await centre.page.check('input[name="compliant"]');
    await audit(centre.page, 'centre-plateau');
    await submit(centre.page);
    await reloadUntil(centre.page, /badge ok">Fait<\/span>[\s\S]*Vérification du plateau/, sessionPath);
    await centre.page.goto(url(`${sessionPath}/plis`));
    await centre.page.check('input[name="sealsIntact"]');
    await audit(centre.page, 'centre-plis');
    await submit(centre.page);
    await expect.poll(() => centre.page.textContent('main')).toMatch(/Candidat tiré au sort pour vérifier les plis : (MARTIN Léa|PETIT Hugo)/);
    await centre.page.screenshot({ path: join(stack.shots, 'centre-tirage-au-sort.png'), fullPage: true });
    const drawn = /Candidat tiré au sort pour vérifier les plis : (MARTIN Léa|PETIT Hugo)/.exec((await centre.page.textContent('main')) ?? '')?.[1] ?? '';

    // --- The draw replayed from its recorded seed, from the session page's button: the same candidate.
    mark('The draw replayed from its recorded seed: the same candidate.');
    await reloadUntil(centre.page, 'Rejouer le tirage au sort', sessionPath);
    await submit(centre.page, 'form.replay button');
    expect(new URL(centre.page.url()).pathname).toBe(`${sessionPath}/tirage`);
    expect(await centre.page.textContent('main')).toContain(`Même candidat : le tirage rejoué désigne ${drawn}`);
    await audit(centre.page, 'centre-tirage-rejoue', true);

    // --- Deliberation: decisions, the signed PV hashed in the browser and sent straight to S3.
    mark('Deliberation: decisions, the signed PV hashed in the browser and sent straight to S3.');
    await stack.runtime.moveClockTo(new Date('2027-06-09T15:00:00Z'));
    await reloadUntil(centre.page, 'Session tenue', sessionPath);
    await centre.page.goto(url(`${sessionPath}/pv`));
    await centre.page.selectOption('#f-decisions-0-decision', 'titre-obtenu');
    await centre.page.selectOption('#f-decisions-1-decision', 'reussite-partielle');
    await centre.page.check('input[name="decisions.1.ccpObtained"][value="RNCP37674BC01"]');
    await centre.page.setInputFiles('#pv-file', { name: 'pv-signe.pdf', mimeType: 'application/pdf', buffer: pdf });
    await audit(centre.page, 'centre-pv', true);
    await Promise.all([centre.page.waitForURL(/ok=pv/, { timeout: 20_000 }), centre.page.click('#pv-form button[type="submit"]')]);
    await reloadUntil(centre.page, 'Résultats provisoires', sessionPath);
    // The intake (S3 notification) checks the file and records it.
    await reloadUntil(centre.page, 'PV signé déposé', sessionPath);
    // The browser PUT it to the upload bucket (CORS preflight against the stack's rule); the intake
    // wrote it into the locked vault and emptied the upload area.
    const s3 = createS3Client({ endpoint: stack.runtime.urls.s3 });
    const keysIn = async (bucket: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'pv/' }))).Contents ?? []).map((o) => o.Key);
    expect(await keysIn(stack.runtime.uploadBucket)).toEqual([]);
    expect(await keysIn(stack.runtime.bucket)).toEqual([expect.stringMatching(new RegExp(`^pv/${sessionId}/[0-9a-f]{64}\\.pdf$`))]);
    s3.destroy();

    await centre.page.goto(url(`${sessionPath}/ceres`));
    await submit(centre.page);
    expect(centre.page.url()).toContain('ok=ceres');
    for (let attempt = 0; attempt < 20; attempt += 1) {
      await stack.runtime.drain();
      await centre.page.goto(url(`${sessionPath}/transmission`));
      await submit(centre.page);
      if (centre.page.url().includes('ok=transmission')) break;
    }
    expect(centre.page.url()).toContain('ok=transmission');
    await reloadUntil(centre.page, 'PV transmis à l’UD', sessionPath);
    await audit(centre.page, 'centre-session-resultats-provisoires', true);

    // --- The UD validates; the results turn official.
    mark('The UD validates; the results turn official.');
    await stack.runtime.moveClockTo(new Date('2027-06-14T08:00:00Z'));
    await reloadUntil(ud.page, `/ud/sessions/${sessionId}`, '/ud');
    // The UD's dashboard: the PV to instruct among the department's week, delays and habilitations.
    expect(await ud.page.textContent('h1')).toBe('Tableau de bord de l’unité départementale');
    expect(await ud.page.textContent('#pv')).toBe('PV à instruire (1)');
    await audit(ud.page, 'ud-tableau-de-bord', true);
    await ud.page.click(`a[href="/ud/sessions/${sessionId}"]`);
    // The UD reads the signed PV before instructing it, and reaches the session's history.
    expect(await ud.page.textContent('main')).toContain('Lisez le procès-verbal signé avant de l’instruire');
    expect(await ud.page.locator(`a[href="/sessions/${sessionId}/historique/pv/1"]`).count()).toBeGreaterThan(0);
    expect(await ud.page.locator(`a[href="/sessions/${sessionId}/historique"]`).count()).toBe(1);
    await audit(ud.page, 'ud-instruction', true);
    await submit(ud.page, `form[action="/ud/sessions/${sessionId}/validation"] button`);
    expect(ud.page.url()).toContain('ok=validation');
    await reloadUntil(centre.page, 'Résultats officiels', sessionPath);
    expect(await centre.page.textContent('main')).toContain('Titre obtenu');
    await audit(centre.page, 'centre-session-resultats-officiels', true);

    // --- Léa Martin asks for her data to be erased: a confirmation page, a box to tick.
    mark('A candidate’s personal data erased at her request.');
    await centre.page.click('a[aria-label="Effacer ses données personnelles : MARTIN Léa"]');
    expect(await centre.page.textContent('main')).toContain('L’effacement est définitif');
    await audit(centre.page, 'centre-effacement', true);
    await submit(centre.page);
    await expect.poll(() => centre.page.textContent('.error-summary')).toContain('Cochez la case pour confirmer l’effacement');
    await centre.page.check('input[name="confirmed"]');
    await submit(centre.page);
    expect(centre.page.url()).toContain('ok=effacement');
    const main = (await centre.page.textContent('main')) ?? '';
    expect(main).toMatch(/Candidat·e cand_[0-9A-Z]+ \(données effacées\)/);
    expect(main).not.toContain('MARTIN');
    expect(main).toContain('Titre obtenu');
    await centre.page.goto(url('/centre'));
    await audit(centre.page, 'centre-tableau-de-bord', true);
    await ud.page.goto(url('/ud/retards'));
    await audit(ud.page, 'ud-retards');

    // --- The mails of each step are in the SES emulator's store.
    mark("The mails of each step are in the SES emulator's store.");
    await stack.runtime.drain();
    const store = (await (await fetch(`${stack.runtime.urls.ses}/store`)).json()) as { emails: { subject: string; destination: { to: string[] } }[] };
    const subjects = store.emails.map((mail) => `${mail.subject} -> ${mail.destination.to.join(',')}`);
    for (const expected of [
      /^Programmation prévisionnelle 2027 reçue .* -> .*rhone/,
      /^Convocation au jury .* -> .*claire\.dupont@jury\.example/,
      /^Convocation au jury .* -> .*louis\.moreau@jury\.example/,
      /^Aménagements d’épreuves .* -> claire\.dupont@jury\.example/,
      /^Procès-verbal à instruire : session CERES-2027-0042 -> .*rhone/,
    ]) {
      expect(
        subjects.some((subject) => expected.test(subject)),
        `${expected} in\n${subjects.join('\n')}`,
      ).toBe(true);
    }
    console.log(`mails in the SES store:\n${subjects.join('\n')}`);

    expect(axeFindings).toEqual([]);
    await ud.context.close();
    await centre.context.close();
  }, 600_000);
});
