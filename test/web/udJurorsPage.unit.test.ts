import { describe, expect, it } from 'vitest';
import { apiCall, createTestApp, formPost, pageGet, pageText } from './support/app.js';
import { movableClock } from './support/clock.js';
import { newJurorInput, seedSession } from './support/scenario.js';

/*
 * The UD agent's page of jurors and habilitations (« Habilitations »): who is habilitated for
 * which titre, until when, and the forms to habilitate and to withdraw.
 */

/** The row of the habilitations table that names this juror, as a reader sees it. */
const rowOf = (page: string, name: string): string => {
  const row = [...page.matchAll(/<tr>[\s\S]*?<\/tr>/g)].map((match) => match[0]).find((markup) => markup.includes(name)) ?? '';
  expect(row, `a row for ${name}`).not.toBe('');
  return row;
};

describe('the UD’s habilitations page', () => {
  it('given a habilitation past its end and one not begun, when the UD opens « Habilitations », then the first reads as ended (no withdrawal offered) and the second as to come, not both « En cours »', async () => {
    const clock = movableClock('2027-02-01T09:00:00.000Z');
    const app = createTestApp(clock);
    await seedSession(app);
    // Dupont and Moreau are habilitated until 30/06/2028; Garnier from 16/07/2028 (the titre ends on 19/07/2028).
    const later = await apiCall(app, 'ud', 'POST', '/api/jurors', { ...newJurorInput('Garnier'), validFrom: '2028-07-16', validUntil: '2028-07-19' });
    expect(later.statusCode, later.body).toBe(201);
    clock.set('2028-07-15T09:00:00.000Z');

    const page = (await pageGet(app, 'ud', '/ud/jures')).body;

    const ended = rowOf(page, 'Camille DUPONT');
    expect(pageText(ended)).toContain('Expirée le 30/06/2028');
    expect(ended).not.toContain('En cours');
    expect(ended).not.toContain('/retrait');
    const toCome = rowOf(page, 'Camille GARNIER');
    expect(pageText(toCome)).toContain('À partir du 16/07/2028');
    expect(toCome).not.toContain('En cours');
  });

  it('given two habilitations, when the UD withdraws the second without a reason, then the error stands under that row’s « Motif du retrait », its form open, with ids of its own; the habilitation form keeps no error and its department; nothing is recorded', async () => {
    const app = createTestApp();
    const seeded = await seedSession(app);
    const [, moreau = ''] = seeded.jurorIds;
    const [, habilitation = ''] = seeded.habilitationIds;
    const before = app.writes();

    const refused = await formPost(app, 'ud', `/ud/jures/${moreau}/habilitations/${habilitation}/retrait`, [['reason', '']]);

    expect(refused.statusCode).toBe(400);
    expect(app.writes()).toBe(before);
    const page = refused.body;
    // Each withdrawal form has its own ids: no two fields share one.
    const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
    expect(ids.length).toBe(new Set(ids).size);
    // The error is the second row's, next to its reason, in its form left open.
    const row = rowOf(page, 'Camille MOREAU');
    expect(row).toMatch(/<details\s+open\s*>/);
    expect(row).toMatch(/<textarea[^>]*aria-invalid="true"/);
    expect(pageText(row)).toContain('Ce champ est obligatoire.');
    expect(row).toContain('class="error-summary"');
    expect(rowOf(page, 'Camille DUPONT')).not.toContain('aria-invalid');
    // The summary's link leads to that textarea.
    const link = /<a href="#([^"]+)">Motif du retrait[^:<]* : /.exec(row)?.[1];
    expect(row).toMatch(new RegExp(`<textarea\\s+id="${link}"`));
    // The habilitation form below shows no error, and its department is still the UD's.
    const habilitationForm = page.slice(page.indexOf('<h2>Habiliter un membre de jury</h2>'));
    expect(habilitationForm).not.toContain('error-summary');
    expect(habilitationForm).toMatch(/name="department"[^>]*value="69"/);
    expect(page.match(/autofocus/g)).toHaveLength(1);
  });

  it('given the UD of the Rhône, when it opens the habilitation form, then the member’s department is stated as its own (69) and sent with the form, not a free field whose other value ends on « Accès refusé » with what was typed lost', async () => {
    const app = createTestApp();

    const page = (await pageGet(app, 'ud', '/ud/jures')).body;

    const habilitationForm = page.slice(page.indexOf('<h2>Habiliter un membre de jury</h2>'));
    expect(habilitationForm).not.toMatch(/<input[^>]*name="department"[^>]*type="text"/);
    expect(habilitationForm).toMatch(/<input type="hidden" name="department" value="69"/);
    expect(pageText(habilitationForm)).toContain('Département du membre : 69');
    expect(pageText(habilitationForm)).toContain('un membre qui réside dans un autre département est habilité par l’unité départementale de ce département');
  });

  it('given a habilitation another agent withdrew a moment before, when the UD withdraws it from the page it still had open, then the page says why nothing was recorded, at the top, focused', async () => {
    const app = createTestApp();
    const seeded = await seedSession(app);
    const withdrawal = `/ud/jures/${seeded.jurorIds[0] ?? ''}/habilitations/${seeded.habilitationIds[0] ?? ''}/retrait`;
    expect((await formPost(app, 'ud', withdrawal, [['reason', 'Manquement aux obligations du jury']])).statusCode).toBe(303);

    const late = await formPost(app, 'ud', withdrawal, [['reason', 'Manquement aux obligations du jury']]);

    expect(late.statusCode).toBe(409);
    expect(late.body.match(/class="error-summary"/g)).toHaveLength(1);
    expect(late.body).toMatch(/<div class="error-summary" role="alert" tabindex="-1" id="erreurs" autofocus>/);
    expect(pageText(rowOf(late.body, 'Camille DUPONT'))).toContain('Retirée le 01/02/2027');
  });

  it('given two members habilitated, when a screen reader user goes through the withdrawal controls, then each names the member and the titre it withdraws, not « Retirer » and « Motif du retrait » alike on every row', async () => {
    const app = createTestApp();
    await seedSession(app);

    const page = (await pageGet(app, 'ud', '/ud/jures')).body;

    for (const name of ['Camille DUPONT', 'Camille MOREAU']) {
      const row = rowOf(page, name);
      expect(row).toContain(`<summary aria-label="Retirer l’habilitation de ${name} (Développeur web et web mobile (RNCP37674))">`);
      expect(pageText(row.replace(/<[^>]+>/g, ' '))).toContain(`Motif du retrait de l’habilitation de ${name} (obligatoire)`);
    }
  });

  it('given members habilitated in the order Moreau, Dupont, Garnier, when the UD opens « Habilitations », then the table and the list of known members read by last name: Dupont, Garnier, Moreau', async () => {
    const app = createTestApp();
    for (const name of ['Moreau', 'Dupont', 'Garnier']) expect((await apiCall(app, 'ud', 'POST', '/api/jurors', newJurorInput(name))).statusCode).toBe(201);

    const page = (await pageGet(app, 'ud', '/ud/jures')).body;

    const table = page.slice(0, page.indexOf('<h2>Habiliter un membre de jury</h2>'));
    const inTable = ['DUPONT', 'GARNIER', 'MOREAU'].map((name) => table.indexOf(`Camille ${name}`));
    expect(inTable.every((position) => position > -1)).toBe(true);
    expect([...inTable].sort((a, b) => a - b)).toEqual(inTable);
    const select = /<select\s+id="f-jurorId"[\s\S]*?<\/select>/.exec(page)?.[0] ?? '';
    expect([...select.matchAll(/>Camille (\w+)</g)].map((match) => match[1])).toEqual(['DUPONT', 'GARNIER', 'MOREAU']);
  });
});
