import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { apiCall, bodyOf, createTestApp, httpEvent, pageGet, squeezed, users, type TestApp, type UserHandle } from './support/app.js';
import { knownJurorInput, lateSessionInput, seedSession, type Seeded } from './support/scenario.js';

/*
 * The juror's « Mes convocations » and the region's « Sessions de la région », through the API and
 * the pages, over the in-memory ports: each sees only their own scope, filters are checked in
 * French, and the juror's page carries no candidate and no other juror.
 */

const CLAIRE = String(users.juror?.['custom:jurorId']);

interface World {
  readonly app: TestApp;
  readonly seeded: Seeded;
  /** Lyon's second session, created late (less than three months ahead), Claire not convoked yet. */
  readonly lateSessionId: string;
}

const ok = <R extends { statusCode: number; body: string }>(response: R, status = 200): R => {
  expect(response.statusCode, response.body).toBe(status);
  return response;
};

/**
 * Two Lyon sessions on 1 February 2027: the seeded one (7–9 June), where Claire and another juror
 * were convoked, and one on 12–13 April, created late, where Claire is designated, not convoked.
 */
const world = async (): Promise<World> => {
  const app = createTestApp();
  const seeded = await seedSession(app);
  ok(await apiCall(app, 'ud', 'POST', '/api/jurors', knownJurorInput(CLAIRE)), 201);
  for (const jurorId of [CLAIRE, seeded.jurorIds[0]]) ok(await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/jury`, { jurorId, tiedCandidateIds: [] }));
  ok(await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/convocations`, { audience: 'jurors' }));
  const late = ok(await apiCall(app, 'centre', 'POST', '/api/sessions', lateSessionInput), 201);
  const lateSessionId = String(bodyOf(late).sessionId);
  ok(await apiCall(app, 'centre', 'POST', `/api/sessions/${lateSessionId}/jury`, { jurorId: CLAIRE, tiedCandidateIds: [] }));
  return { app, seeded, lateSessionId };
};

/** An API GET with a query string, as the gateway passes it. */
const apiGet = (app: TestApp, as: UserHandle, path: string, query: Record<string, string> = {}) => app.api(httpEvent({ path, query, as }));

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('GET /api/juror/sessions', () => {
  it('gives the signed-in juror their sessions, soonest first, each with their own convocation, and nothing of candidates or other jurors', async () => {
    const { app, seeded, lateSessionId } = await world();

    const body = bodyOf(ok(await apiCall(app, 'juror', 'GET', '/api/juror/sessions')));

    const items = body.items as { sessionId: string; convokedOn?: string; jurorId: string }[];
    expect(items.map((item) => [item.sessionId, item.convokedOn ?? null])).toEqual([
      [lateSessionId, null],
      [seeded.sessionId, '2027-02-01'],
    ]);
    expect(new Set(items.map((item) => item.jurorId))).toEqual(new Set([CLAIRE]));
    for (const foreign of [...seeded.candidateIds, ...seeded.jurorIds, 'Martin', 'Camille']) expect(JSON.stringify(body)).not.toContain(foreign);
    expect(bodyOf(ok(await apiGet(app, 'juror', '/api/juror/sessions', { when: 'past' }))).items).toEqual([]);
  });

  it('refuses a query naming another juror, or an unknown period, with French field messages and no other answer', async () => {
    const { app, seeded } = await world();

    const named = await apiGet(app, 'juror', '/api/juror/sessions', { jurorId: seeded.jurorIds[0] ?? '' });
    const period = await apiGet(app, 'juror', '/api/juror/sessions', { when: 'demain' });

    expect(named.statusCode).toBe(400);
    expect(bodyOf(named).error?.fields).toEqual([{ field: 'jurorId', message: 'Champ inconnu.' }]);
    expect(period.statusCode).toBe(400);
    expect(bodyOf(period).error?.fields).toEqual([{ field: 'when', message: 'Choisissez une des valeurs proposées.' }]);
  });
});

describe('GET /api/region/sessions', () => {
  it('lists the region’s sessions newest first; another region sees none of them', async () => {
    const { app, seeded, lateSessionId } = await world();

    const own = bodyOf(ok(await apiGet(app, 'region', '/api/region/sessions')));
    const foreign = bodyOf(ok(await apiGet(app, 'region93', '/api/region/sessions')));

    expect((own.items as { sessionId: string }[]).map((s) => s.sessionId)).toEqual([seeded.sessionId, lateSessionId]);
    expect(foreign.items).toEqual([]);
  });

  it('filters by a department of the region and by status; refuses a department of another region (403) and an unknown status (400), in French', async () => {
    const { app, seeded } = await world();
    const get = (query: Record<string, string>) => apiGet(app, 'region', '/api/region/sessions', query);

    expect(bodyOf(ok(await get({ department: '38' }))).items).toEqual([]);
    expect((bodyOf(ok(await get({ department: '69', status: 'created' }))).items as unknown[]).length).toBe(2);
    expect(bodyOf(ok(await get({ status: 'cancelled' }))).items).toEqual([]);

    const outside = await get({ department: '75' });
    expect(outside.statusCode).toBe(403);
    expect(bodyOf(outside).error?.message).toBe('Le département 75 n’appartient pas à votre région : seules les sessions de la région 84 vous sont ouvertes.');
    expect(outside.body).not.toContain(seeded.sessionId);

    const status = await get({ status: 'en-cours' });
    expect(status.statusCode).toBe(400);
    expect(bodyOf(status).error?.fields).toEqual([{ field: 'status', message: 'Choisissez une des valeurs proposées.' }]);
  });
});

describe('home page by role', () => {
  it('sends the juror to « Mes convocations » and the regional admin to the region’s sessions', async () => {
    const app = createTestApp();

    expect((await pageGet(app, 'juror', '/')).headers.location).toBe('/jure');
    expect((await pageGet(app, 'region', '/')).headers.location).toBe('/region/sessions');
  });
});

describe('page /jure « Mes convocations »', () => {
  it('shows upcoming sessions in Paris dates, with the titre, the centre, the place and whether the convocation went out; no one else’s data', async () => {
    const { app, seeded } = await world();

    const response = ok(await pageGet(app, 'juror', '/jure'));
    const page = text(response.body);

    expect(page).toContain('Mes convocations');
    expect(page).toMatch(
      /Sessions à venir.*du 12\/04\/2027 au 13\/04\/2027.*Villeurbanne, atelier 2.*Convocation pas encore envoyée.*du 07\/06\/2027 au 09\/06\/2027.*Lyon 7e.*Convocation envoyée le 01\/02\/2027/,
    );
    // The centre by the name its account gave, no id: the juror does not search by id.
    expect(page).toMatch(/CERES-2027-0077 Lyon Formation Département 69 Villeurbanne/);
    expect(page).not.toContain('ctr_lyon-formation');
    expect(page).toContain('Aucune session passée.');
    expect(page).toMatch(/Mes habilitations.*du 01\/01\/2026 au 30\/06\/2028.*En cours/);
    expect(page).not.toContain('Attention');
    for (const foreign of ['Martin', 'Léa', 'Petit', 'Hugo', 'Roux', 'Inès', 'Camille', 'MOREAU', ...seeded.candidateIds, ...seeded.jurorIds])
      expect(response.body).not.toContain(foreign);
    expect(response.body).toContain('<caption>');
    expect(response.body).toContain('<th scope="col">Dates</th>');
  });

  it('warns, in words and colour, when a habilitation is withdrawn before a session the juror sits on: they cannot sit, nothing to renew', async () => {
    const { app } = await world();
    const habilitationId = (await app.deps.views.getJurorView(CLAIRE))?.habilitations[0]?.habilitationId ?? '';
    ok(await apiCall(app, 'ud', 'POST', `/api/jurors/${CLAIRE}/habilitations/${habilitationId}/withdraw`, { reason: 'Changement de métier' }));

    const page = text(ok(await pageGet(app, 'juror', '/jure')).body);

    // A withdrawal is the UD's decision, not an expiry: there is nothing to ask a renewal of.
    expect(page).toContain(
      'Attention : l’unité départementale a retiré votre habilitation : vous ne pouvez pas siéger à 2 sessions auxquelles vous êtes désigné·e. Le centre doit vous retirer du jury ; pour toute question, adressez-vous à l’unité départementale.',
    );
    expect(page).toMatch(/du 12\/04\/2027 au 13\/04\/2027 .*Habilitation retirée : vous ne pouvez pas siéger/);
    expect(page).not.toContain('renouvel');
    expect(page).toMatch(/Retirée le 01\/02\/2027 Retirée avant la session du 12\/04\/2027 Retirée avant la session du 07\/06\/2027/);
  });

  it('warns when a habilitation ends before the last day of a session', async () => {
    const { app } = await world();
    const juror = (await app.store.readStream(`juror-${CLAIRE}`)).events;
    const first = juror[0] as Extract<StoredEvent, { type: 'JurorHabilitated' }>;
    // The UD's record now says the habilitation ends on the first day of the April session.
    app.store.streams.set(`juror-${CLAIRE}`, [
      ...juror,
      { ...first, id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', version: juror.length + 1, data: { ...first.data, validUntil: '2027-04-12' } },
    ]);

    const page = text(ok(await pageGet(app, 'juror', '/jure')).body);

    expect(page).toContain('Expire le 12/04/2027, avant la fin de la session du 12/04/2027');
    expect(page).toContain('Expire le 12/04/2027, avant la session du 07/06/2027');
    expect(page).toContain('Attention : votre habilitation ne couvre pas 2 sessions auxquelles vous êtes désigné·e.');
  });

  it('says, when there is nothing yet, how a session and a habilitation come to the juror, and is for jurors only', async () => {
    const app = createTestApp();

    const page = text(ok(await pageGet(app, 'juror', '/jure')).body);

    expect(page).toContain(
      'Aucune session à venir. Le centre agréé qui organise une session vous désigne membre de son jury : elle apparaît alors ici, et votre convocation vous parvient par courriel.',
    );
    expect(page).toContain(
      'Aucune habilitation enregistrée. L’unité départementale de votre département vous habilite pour un titre professionnel, après une session de professionnalisation ; un centre ne peut vous désigner qu’avec une habilitation en cours.',
    );
    for (const other of ['centre', 'ud', 'region'] as const) expect((await pageGet(app, other, '/jure')).statusCode).toBe(403);
  });
});

describe('page /region/sessions « Sessions de la région »', () => {
  it('lists the sessions with department, centre, titre, dates, status, breaches and a link to each history; filters by the region’s departments', async () => {
    const { app, seeded, lateSessionId } = await world();

    const response = ok(await pageGet(app, 'region', '/region/sessions'));
    const page = text(response.body);

    expect(page).toMatch(/Sessions de la région.*69 Lyon Formation ctr_lyon-formation .*CERES-2027-0042.*du 07\/06\/2027 au 09\/06\/2027 Programmée Aucun/);
    expect(page).toMatch(
      /CERES-2027-0077.*du 12\/04\/2027 au 13\/04\/2027 Programmée Manquement : Créée dans CERES moins de trois mois avant le début \(le 01\/02\/2027 au lieu du 12\/01\/2027\)/,
    );
    expect(response.body).toContain(`<a href="/sessions/${seeded.sessionId}/historique">`);
    expect(response.body).toContain(`<a href="/sessions/${lateSessionId}/historique">`);
    expect(squeezed(response.body).match(/<option value="\d\d">/g)?.length).toBe(12);
    expect(squeezed(response.body)).toContain('<option value="38">38 — DDETS de l’Isère</option>');
    expect(response.body).not.toContain('Martin');
  });

  it('applies the filters, keeps them selected, and says when nothing matches', async () => {
    const { app } = await world();

    const isere = ok(await pageGet(app, 'region', '/region/sessions', { departement: '38' }));
    const cancelled = text(ok(await pageGet(app, 'region', '/region/sessions', { etat: 'cancelled' })).body);

    expect(text(isere.body)).toContain('Aucune session ne correspond à ces filtres.');
    expect(squeezed(isere.body)).toContain('<option value="38" selected>');
    expect(cancelled).toContain('Aucune session ne correspond à ces filtres.');
  });

  it('refuses a department of another region (403) and a bad status (400) in French; is for the region only', async () => {
    const { app } = await world();

    const outside = await pageGet(app, 'region', '/region/sessions', { departement: '75' });
    const status = await pageGet(app, 'region', '/region/sessions', { etat: 'ouvert' });

    expect(outside.statusCode).toBe(403);
    expect(text(outside.body)).toContain('Le département 75 n’appartient pas à votre région');
    expect(status.statusCode).toBe(400);
    for (const other of ['centre', 'ud', 'juror'] as const) expect((await pageGet(app, other, '/region/sessions')).statusCode).toBe(403);
  });

  it('links to the next page with the filters kept, and passes the cursor back to the views', async () => {
    const { app } = await world();
    const seen: (string | undefined)[] = [];
    const views = app.deps.views;
    const list = views.listSessionsOfRegion.bind(views);
    views.listSessionsOfRegion = async (region, options) => {
      seen.push(options?.cursor);
      return { ...(await list(region, options)), nextCursor: 'curseur-suivant' };
    };

    const first = ok(await pageGet(app, 'region', '/region/sessions', { departement: '69' }));
    ok(await pageGet(app, 'region', '/region/sessions', { departement: '69', suite: 'curseur-suivant' }));

    expect(first.body).toContain('<a href="/region/sessions?departement=69&amp;suite=curseur-suivant">Sessions suivantes</a>');
    expect(seen).toEqual([undefined, 'curseur-suivant']);
  });

  it('says the region has no session yet', async () => {
    const page = text(ok(await pageGet(createTestApp(), 'region', '/region/sessions')).body);

    expect(page).toContain('Aucune session dans la région.');
  });
});
