import { describe, expect, it } from 'vitest';
import { apiCall, createTestApp, formPost, pageGet, pageText, type TestApp } from './support/app.js';
import { movableClock } from './support/clock.js';
import { runToSeals, seedSession, recordStoredPv } from './support/scenario.js';

/*
 * The UD's session page holds up to three forms: validate the PV, reject it with a reason, notify a
 * fraud sanction. A form sent back shows its errors in itself only.
 */

/** A session with a fraud reported, its PV signed, stored, entered in CERES and transmitted to the UD. */
const transmittedWithFraud = async (): Promise<{ app: TestApp; page: string }> => {
  const clock = movableClock('2027-01-10T09:00:00.000Z');
  const app = createTestApp(clock);
  const seeded = await seedSession(app);
  await runToSeals(app, clock, seeded);
  const [lea = '', hugo = ''] = seeded.candidateIds;
  const path = `/api/sessions/${seeded.sessionId}`;
  expect((await apiCall(app, 'centre', 'POST', `${path}/frauds`, { candidateId: hugo, facts: 'Téléphone consulté pendant la mise en situation.' })).statusCode).toBe(200);
  clock.set('2027-06-09T16:00:00.000Z');
  const signed = await apiCall(app, 'centre', 'POST', `${path}/pv`, {
    decisions: [
      { candidateId: lea, decision: 'titre-obtenu', ccpObtained: [] },
      { candidateId: hugo, decision: 'echec', ccpObtained: [] },
    ],
    signatoryIds: seeded.jurorIds,
    documentSha256: 'ab'.repeat(32),
  });
  expect(signed.statusCode, signed.body).toBe(200);
  await recordStoredPv(app, seeded.sessionId, 'ab'.repeat(32), clock.now());
  expect((await apiCall(app, 'centre', 'POST', `${path}/ceres-results`, {})).statusCode).toBe(200);
  expect((await apiCall(app, 'centre', 'POST', `${path}/pv/transmit`, {})).statusCode).toBe(200);
  clock.set('2027-06-14T09:00:00.000Z');
  return { app, page: `/ud/sessions/${seeded.sessionId}` };
};

/** The markup of the form posting to `action`, with the error summary just before it. */
const formAt = (page: string, action: string): string => {
  const start = page.indexOf(`action="${action}"`);
  expect(start, action).toBeGreaterThan(-1);
  const from = page.lastIndexOf('</form>', start);
  return page.slice(from === -1 ? 0 : from, page.indexOf('</form>', start));
};

describe('the forms of the UD’s session page', () => {
  it('given a transmitted PV and a fraud reported, when the UD rejects the PV without a reason, then the error shows in the rejection form alone: one summary, one focus, neither the validation nor the sanction form repeats it', async () => {
    const { app, page } = await transmittedWithFraud();

    const refused = await formPost(app, 'ud', `${page}/rejet`, [['reason', '']]);

    expect(refused.statusCode).toBe(400);
    const body = refused.body;
    expect(body.match(/class="error-summary"/g)).toHaveLength(1);
    expect(body.match(/autofocus/g)).toHaveLength(1);
    expect(formAt(body, `${page}/rejet`)).toContain('class="error-summary"');
    expect(formAt(body, `${page}/validation`)).not.toContain('error-summary');
    expect(formAt(body, `${page}/sanction`)).not.toContain('error-summary');
  });

  it('given a transmitted PV and a fraud reported, when the UD notifies a sanction with nothing chosen, then the errors show in the sanction form alone, each under its field, and the validation form offers no error', async () => {
    const { app, page } = await transmittedWithFraud();
    const before = app.writes();

    const refused = await formPost(app, 'ud', `${page}/sanction`, [
      ['candidateId', ''],
      ['sanction', ''],
      ['banMonths', ''],
      ['pronouncedOn', ''],
    ]);

    expect(refused.statusCode).toBe(400);
    expect(app.writes()).toBe(before);
    const body = refused.body;
    expect(body.match(/class="error-summary"/g)).toHaveLength(1);
    const sanction = formAt(body, `${page}/sanction`);
    expect(sanction).toContain('class="error-summary"');
    expect(sanction).toMatch(/<select\s+id="f-candidateId"[^>]*aria-invalid="true"/);
    expect(formAt(body, `${page}/validation`)).not.toContain('error-summary');
    expect(formAt(body, `${page}/rejet`)).not.toContain('error-summary');
  });

  it('given a PV another agent validated a moment before, when the UD rejects it from the page it still had open, then the page says why nothing was recorded, in French, at the top, and the PV stays validated', async () => {
    const { app, page } = await transmittedWithFraud();
    expect((await formPost(app, 'ud', `${page}/validation`, [])).statusCode).toBe(303);

    const late = await formPost(app, 'ud', `${page}/rejet`, [['reason', 'Signature manquante page 2']]);

    expect(late.statusCode).toBe(422);
    const body = late.body;
    expect(body.match(/class="error-summary"/g)).toHaveLength(1);
    expect(body).toMatch(/<div class="error-summary" role="alert" tabindex="-1" id="erreurs" autofocus>/);
    expect(pageText(body)).toContain('Aucun procès-verbal transmis n’attend d’instruction pour cette session.');
    expect(pageText(body)).toContain('PV validé');
    expect(body).not.toContain('/rejet"');
  });

  it('given a transmitted PV, when the UD opens it to instruct, then it reads when the PV was signed and by whom, when the results were entered in CERES and when the PV was transmitted', async () => {
    const { app, page } = await transmittedWithFraud();

    const body = (await pageGet(app, 'ud', page)).body;

    const instruction = pageText(body.slice(body.indexOf('<h2>Instruction du procès-verbal</h2>')).replace(/<[^>]+>/g, ' '));
    expect(instruction).toContain('Signé le 09/06/2027 par Camille DUPONT, Camille MOREAU (tous les membres du jury)');
    expect(instruction).toContain('Résultats saisis dans CERES le 09/06/2027');
    expect(instruction).toContain('Transmis le 09/06/2027');
  });
});
