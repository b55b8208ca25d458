import { describe, expect, it } from 'vitest';
import { apiCall, bodyOf, createTestApp, formPost, httpEvent, pageGet, pageText, users } from './support/app.js';
import { knownJurorInput, seedSession, type Seeded } from './support/scenario.js';

/*
 * The leaflet: the session manager « affiche la date, l’heure, l’ordre de passage des candidats et
 * la nature des épreuves ». The centre records it through a form, prints the posted order, and the
 * jury reads it on its session page.
 */
const CLAIRE = String(users.juror?.['custom:jurorId']);

const text = (markup: string) => pageText(markup.replace(/<[^>]+>/g, ' '));

const world = async () => {
  const app = createTestApp();
  const seeded = await seedSession(app);
  return { app, seeded, page: `/centre/sessions/${seeded.sessionId}` };
};

/** Léa Martin's mise en situation on day one at 8:30 and her final interview on day three; Hugo Petit's on day one at 13:30. */
const order = (seeded: Seeded): [string, string][] => {
  const [lea = '', hugo = ''] = seeded.candidateIds;
  return [
    ['passages.0.candidateId', hugo],
    ['passages.0.test', 'mise-en-situation'],
    ['passages.0.on', '2027-06-07'],
    ['passages.0.at', '13:30'],
    ['passages.1.candidateId', lea],
    ['passages.1.test', 'mise-en-situation'],
    ['passages.1.on', '2027-06-07'],
    ['passages.1.at', '08:30'],
    ['passages.2.candidateId', lea],
    ['passages.2.test', 'entretien-final'],
    ['passages.2.on', '2027-06-09'],
    ['passages.2.at', '10:00'],
    // A row left blank.
    ['passages.3.candidateId', ''],
    ['passages.3.test', ''],
    ['passages.3.on', ''],
    ['passages.3.at', ''],
  ];
};

describe('the order of passage', () => {
  it('given a new session, when the centre opens the order of passage, then a row per candidate waits for its time, on the first day, for the mise en situation; the session’s step is to do', async () => {
    const { app, seeded, page } = await world();

    const form = (await pageGet(app, 'centre', `${page}/passages`)).body;

    const [lea, hugo] = seeded.candidateIds;
    expect(form).toMatch(new RegExp(`<option value="${lea}"\\s+selected>MARTIN Léa</option>`));
    expect(form).toMatch(new RegExp(`<option value="${hugo}"\\s+selected>PETIT Hugo</option>`));
    expect(form).toMatch(/<option value="2027-06-09"\s*>mercredi 9 juin 2027<\/option>/);
    expect([...form.matchAll(/<option value="mise-en-situation"\s+selected>/g)].length).toBe(2);
    expect(text((await pageGet(app, 'centre', page)).body)).toMatch(/Ordre de passage \(jour, heure et nature des épreuves\) À faire/);
  });

  it('given the order typed out of order, when the centre records it, then the posted order reads per day, by time, with names, French hours and the tests, and the session’s step is done', async () => {
    const { app, seeded, page } = await world();

    const posted = await formPost(app, 'centre', `${page}/passages`, order(seeded));

    expect([posted.statusCode, posted.headers.location]).toEqual([303, `${page}?ok=passages`]);
    const notice = text((await pageGet(app, 'centre', `${page}/affichage`)).body);
    expect(notice).toContain(
      'lundi 7 juin 2027 Ordre de passage du 07/06/2027 Heure Candidat Épreuve 8 h 30 MARTIN Léa Mise en situation professionnelle 13 h 30 PETIT Hugo Mise en situation professionnelle mercredi 9 juin 2027',
    );
    expect(notice).toContain('10 h MARTIN Léa Entretien final');
    expect(notice).toContain('Ordre de passage affiché le 01/02/2027.');
    const session = text((await pageGet(app, 'centre', page)).body);
    expect(session).toMatch(/Ordre de passage \(jour, heure et nature des épreuves\) Fait Voir et imprimer l’ordre de passage/);
  });

  it('given an order that leaves a candidate out and a row without its time, when the centre records it, then the form comes back with the rows typed, French errors naming the candidate, and nothing is recorded', async () => {
    const { app, seeded, page } = await world();
    const [lea = ''] = seeded.candidateIds;
    const before = app.writes();

    const missingTime = await formPost(app, 'centre', `${page}/passages`, [
      ['passages.0.candidateId', lea],
      ['passages.0.test', 'mise-en-situation'],
      ['passages.0.on', '2027-06-07'],
      ['passages.0.at', ''],
    ]);
    expect(missingTime.statusCode).toBe(400);
    expect(text(missingTime.body)).toContain('Heure, ligne 1 : Ce champ est obligatoire.');

    const missingCandidate = await formPost(app, 'centre', `${page}/passages`, [
      ['passages.0.candidateId', lea],
      ['passages.0.test', 'mise-en-situation'],
      ['passages.0.on', '2027-06-07'],
      ['passages.0.at', '08:30'],
    ]);
    expect(missingCandidate.statusCode).toBe(422);
    expect(text(missingCandidate.body)).toContain('L’ordre de passage doit prévoir chaque candidat inscrit : il manque le candidat PETIT Hugo.');
    expect(missingCandidate.body).toMatch(new RegExp(`<option value="${lea}"\\s+selected>MARTIN Léa</option>`));

    const blank = await formPost(app, 'centre', `${page}/passages`, [
      ['passages.0.candidateId', ''],
      ['passages.0.test', ''],
      ['passages.0.on', ''],
      ['passages.0.at', ''],
    ]);
    expect(text(blank.body)).toContain('Indiquez au moins une épreuve : le candidat, l’épreuve, le jour et l’heure.');
    // The summary's link lands on the first row, which takes the focus.
    expect(blank.body).toContain('href="#f-passages"');
    expect(blank.body).toMatch(/<fieldset class="field"\s+id="f-passages" tabindex="-1">\s*<legend>Passage n° 1<\/legend>/);
    expect(app.writes()).toBe(before);
  });

  it('given a candidate set to start two tests at the same time, when the centre records the order, then the second row’s time carries the French error and nothing is recorded', async () => {
    const { app, seeded, page } = await world();
    const [lea = '', hugo = ''] = seeded.candidateIds;
    const before = app.writes();

    const clash = await formPost(app, 'centre', `${page}/passages`, [
      ['passages.0.candidateId', lea],
      ['passages.0.test', 'mise-en-situation'],
      ['passages.0.on', '2027-06-07'],
      ['passages.0.at', '08:30'],
      ['passages.1.candidateId', hugo],
      ['passages.1.test', 'mise-en-situation'],
      ['passages.1.on', '2027-06-07'],
      ['passages.1.at', '08:30'],
      ['passages.2.candidateId', lea],
      ['passages.2.test', 'questionnaire-professionnel'],
      ['passages.2.on', '2027-06-07'],
      ['passages.2.at', '08:30'],
    ]);
    expect(clash.statusCode).toBe(422);
    expect(text(clash.body)).toContain('Ce candidat commence déjà une autre épreuve ce jour à cette heure, à la ligne 1.');
    expect(clash.body).toContain('href="#f-passages-2-at"');
    expect(app.writes()).toBe(before);
  });

  it('given the order posted, when a candidate registers, then the step is to do again and the posted order says whom it leaves out', async () => {
    const { app, seeded, page } = await world();
    expect((await formPost(app, 'centre', `${page}/passages`, order(seeded))).statusCode).toBe(303);

    const registered = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/candidates`, { lastName: 'Roux', firstName: 'Inès', birthDate: '1995-01-30' });
    expect(registered.statusCode, registered.body).toBe(200);

    expect(text((await pageGet(app, 'centre', page)).body)).toMatch(/Ordre de passage \(jour, heure et nature des épreuves\) À faire/);
    expect(text((await pageGet(app, 'centre', `${page}/affichage`)).body)).toContain('À compléter : ROUX Inès ne figure pas dans l’ordre de passage.');
    expect((await pageGet(app, 'centre', `${page}/passages`)).body).toMatch(/<option value="cand_[^"]+"\s+selected>ROUX Inès<\/option>/);
  });

  it('given the order posted, when a candidate withdraws, then the posted order no longer lists them', async () => {
    const { app, seeded, page } = await world();
    expect((await formPost(app, 'centre', `${page}/passages`, order(seeded))).statusCode).toBe(303);
    const [, hugo] = seeded.candidateIds;

    const withdrawn = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/candidates/${hugo}/withdraw`, { reason: 'Désistement' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);

    const notice = text((await pageGet(app, 'centre', `${page}/affichage`)).body);
    expect(notice).toContain('8 h 30 MARTIN Léa Mise en situation professionnelle');
    expect(notice).not.toContain('PETIT Hugo');
  });

  it('given the order posted, when a member of the jury opens their session, then they reach the order with the candidates’ names; a juror off the jury finds no such page', async () => {
    const { app, seeded, page } = await world();
    const ud = await apiCall(app, 'ud', 'POST', '/api/jurors', knownJurorInput(CLAIRE));
    expect(ud.statusCode, ud.body).toBe(201);
    expect((await formPost(app, 'centre', `${page}/passages`, order(seeded))).statusCode).toBe(303);
    const notice = `/jure/sessions/${seeded.sessionId}/affichage`;
    // Not on the jury yet: the session does not exist for them.
    expect((await pageGet(app, 'juror', notice)).statusCode).toBe(404);

    const assigned = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/jury`, { jurorId: CLAIRE, tiedCandidateIds: [] });
    expect(assigned.statusCode, assigned.body).toBe(200);

    expect((await pageGet(app, 'juror', `/jure/sessions/${seeded.sessionId}`)).body).toContain(`<a href="${notice}">Ordre de passage des candidats</a> (affiché le 01/02/2027)`);
    expect(text((await pageGet(app, 'juror', notice)).body)).toContain('8 h 30 MARTIN Léa Mise en situation professionnelle');
  });

  it('given the order posted, when the UD opens the session, then it reaches the order with the candidates’ names; another department’s UD does not', async () => {
    const { app, seeded, page } = await world();
    expect((await formPost(app, 'centre', `${page}/passages`, order(seeded))).statusCode).toBe(303);
    const notice = `/ud/sessions/${seeded.sessionId}/affichage`;

    expect((await pageGet(app, 'ud', `/ud/sessions/${seeded.sessionId}`)).body).toContain(`<a href="${notice}">Ordre de passage des candidats</a>, affiché le 01/02/2027.`);
    expect(text((await pageGet(app, 'ud', notice)).body)).toContain('8 h 30 MARTIN Léa Mise en situation professionnelle');
    expect([403, 404]).toContain((await pageGet(app, 'ud38', notice)).statusCode);
  });

  it('given the order posted, when the centre reads the session’s history, then the event lists each test in order, with the candidate’s name and the test in French', async () => {
    const { app, seeded, page } = await world();
    expect((await formPost(app, 'centre', `${page}/passages`, order(seeded))).statusCode).toBe(303);

    const history = await app.history(httpEvent({ path: `/sessions/${seeded.sessionId}/historique`, cookieOf: 'centre', headers: { accept: 'text/html' } }));

    expect(history.statusCode).toBe(200);
    const [lea = '', hugo = ''] = seeded.candidateIds;
    expect(text(history.body)).toContain(
      `Ordre de passage affiché Centre agréé usr_centre-lyon Affiché le : 01/02/2027 Ordre de passage : 07/06/2027 à 08:30 : Léa Martin ${lea} , Mise en situation professionnelle 07/06/2027 à 13:30 : Hugo Petit ${hugo} , Mise en situation professionnelle 09/06/2027 à 10:00 : Léa Martin ${lea} , Entretien final`,
    );
  });

  it('given the API, when a time is not a time of day, then it answers 400 with the field in French and records nothing', async () => {
    const { app, seeded } = await world();
    const [lea, hugo] = seeded.candidateIds;
    const before = app.writes();

    const response = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/passages`, {
      passages: [
        { candidateId: lea, test: 'mise-en-situation', on: '2027-06-07', at: '25:00' },
        { candidateId: hugo, test: 'entretien-final', on: '2027-06-07', at: '9h' },
      ],
    });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error?.fields).toEqual([
      { field: 'passages.0.at', message: 'Heure attendue au format HH:MM (de 00:00 à 23:59).' },
      { field: 'passages.1.at', message: 'Heure attendue au format HH:MM (de 00:00 à 23:59).' },
    ]);
    expect(app.writes()).toBe(before);
  });
});
