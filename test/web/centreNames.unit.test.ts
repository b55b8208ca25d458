import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { principalFromClaims } from '../../shared/auth/principal.js';
import { Directory } from '../../shared/directory/directory.js';
import { InMemoryContactBook } from '../../shared/directory/contacts.js';
import { timelinePage } from '../../shared/history/timelinePage.js';
import { defaultNotifierSettings, Notifier } from '../../shared/mail/notifier.js';
import { Recipients } from '../../shared/mail/recipients.js';
import { centreWithId } from '../../shared/web/format.js';
import { centreLabel } from '../../shared/views/model.js';
import { apiCall, bodyOf, createTestApp, formPost, pageGet, squeezed, users, type TestApp, type UserHandle } from './support/app.js';
import { lateSessionInput } from './support/scenario.js';
import { keptMails } from '../support/mails.js';

/*
 * Centres by their name. The name comes from the session manager's token (`custom:centreName`),
 * is recorded in SessionCreated and ProgrammeSubmitted, folded into the views, and shown by the
 * pages, the timeline and the mails; the id shows where no name is known. A centre cannot type
 * its own name: a `centreName` field in a request is refused like any unknown field.
 */

const LYON = 'ctr_lyon-formation';

const lateSession = lateSessionInput;

const ok = <R extends { statusCode: number; body: string }>(response: R, status = 200): R => {
  expect(response.statusCode, response.body).toBe(status);
  return response;
};

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const createSession = async (app: TestApp, as: UserHandle): Promise<string> => String(bodyOf(ok(await apiCall(app, as, 'POST', '/api/sessions', lateSession), 201)).sessionId);

const eventsOf = (app: TestApp, streamId: string): readonly StoredEvent[] => app.store.streams.get(streamId) ?? [];

const createdEvent = (app: TestApp, sessionId: string) => {
  const created = eventsOf(app, `session-${sessionId}`).find((event) => event.type === 'SessionCreated');
  if (created?.type !== 'SessionCreated') throw new Error('no SessionCreated');
  return created;
};

/** The notifier over the memory store, with a delivery that keeps the mails it is handed. */
const notifierOf = (app: TestApp) => {
  const { mails, delivery } = keptMails();
  const contacts = new InMemoryContactBook().set('centre', LYON, { email: 'sessions@lyon-formation.example', displayName: 'Camille Martin' });
  const from = { name: 'Sessions du titre professionnel', email: 'ne-pas-repondre@tp.example' };
  const notifier = new Notifier(app.store, new Recipients(new Directory(), contacts), delivery, { ...defaultNotifierSettings, appUrl: 'https://tp.example', from }, () =>
    app.deps.clock.now(),
  );
  return { mails, notifier };
};

describe('the principal', () => {
  it('gives a centre user the name of the token, trimmed, and no name to other roles or for a blank claim', () => {
    const centre = users.centre;
    if (!centre) throw new Error('no demo centre');

    expect(principalFromClaims({ ...centre, 'custom:centreName': '  Lyon Formation ' }).centreName).toBe('Lyon Formation');
    expect(principalFromClaims({ ...centre, 'custom:centreName': '   ' }).centreName).toBeUndefined();
    expect(
      principalFromClaims({ sub: 'usr_ud', 'custom:role': 'ud', 'custom:department': '69', 'custom:region': '84', 'custom:centreName': 'Lyon Formation' }).centreName,
    ).toBeUndefined();
  });
});

describe('a centre named by its token', () => {
  it('records the name in SessionCreated and the session view carries it', async () => {
    const app = createTestApp();

    const sessionId = await createSession(app, 'centre');

    expect(createdEvent(app, sessionId).data.centreName).toBe('Lyon Formation');
    const view = await app.deps.views.getSessionView(sessionId);
    expect(view).toMatchObject({ centreId: LYON, centreName: 'Lyon Formation' });
  });

  it('records the name in ProgrammeSubmitted and the programme view', async () => {
    const app = createTestApp();

    ok(
      await apiCall(app, 'centre', 'POST', '/api/programmes/2027', {
        sessions: [{ titreCode: 'RNCP37674', expectedStart: '2027-06-07', expectedEnd: '2027-06-09', expectedCandidates: 2 }],
      }),
    );

    const submitted = eventsOf(app, `programme-${LYON}-2027`).find((event) => event.type === 'ProgrammeSubmitted');
    expect(submitted?.type === 'ProgrammeSubmitted' ? submitted.data.centreName : undefined).toBe('Lyon Formation');
    expect(await app.deps.views.getProgrammeView(LYON, 2027)).toMatchObject({ centreName: 'Lyon Formation', submission: { revision: 1 } });
  });

  it('shows the name, with the id in small print, on the region’s list, the UD’s session page and the centre’s dashboard; the juror reads the name alone', async () => {
    const app = createTestApp();
    const sessionId = await createSession(app, 'centre');
    ok(
      await apiCall(app, 'ud', 'POST', '/api/jurors', {
        jurorId: String(users.juror?.['custom:jurorId']),
        titreCode: 'RNCP37674',
        department: '69',
        validFrom: '2026-01-01',
        validUntil: '2028-06-30',
        professionalisationDate: '2025-11-15',
      }),
      201,
    );
    ok(await apiCall(app, 'centre', 'POST', `/api/sessions/${sessionId}/jury`, { jurorId: String(users.juror?.['custom:jurorId']), tiedCandidateIds: [] }));

    const region = ok(await pageGet(app, 'region', '/region/sessions')).body;
    const juror = ok(await pageGet(app, 'juror', '/jure')).body;
    const udSession = ok(await pageGet(app, 'ud', `/ud/sessions/${sessionId}`)).body;
    const dashboard = ok(await pageGet(app, 'centre', '/centre')).body;

    expect(squeezed(region)).toContain(`<td>Lyon Formation<br /><span class="hint">${LYON}</span></td>`);
    expect(text(juror)).toMatch(/CERES-2027-0077 Lyon Formation Département 69/);
    expect(juror).not.toContain(LYON);
    expect(squeezed(udSession)).toContain(`<dt>Centre</dt><dd>Lyon Formation <span class="hint">(${LYON})</span></dd>`);
    expect(text(dashboard)).toContain(`Centre agréé : Lyon Formation (${LYON})`);
  });

  it('shows the name on the session’s timeline, above the events, and in the creation’s details', async () => {
    const app = createTestApp();
    const sessionId = await createSession(app, 'centre');
    const events = eventsOf(app, `session-${sessionId}`);
    const region = principalFromClaims(users.region ?? { sub: 'x', 'custom:role': 'region' });

    const page = timelinePage(region, {
      sessionId,
      streamId: `session-${sessionId}`,
      scope: { centreId: LYON, department: '69', region: '84' },
      events,
      verification: { ok: true, commits: 1 },
      documents: new Map(),
      names: new Map(),
    }).value;

    expect(page).toContain(`<p>Centre agréé : Lyon Formation <span class="hint">(${LYON})</span></p>`);
    expect(page).toContain('<li>Nom du centre : Lyon Formation</li>');
  });

  it('names the centre in the UD’s mail about a late creation and in the programme mails', async () => {
    const app = createTestApp();
    const { mails, notifier } = notifierOf(app);
    const sessionId = await createSession(app, 'centre');
    ok(
      await apiCall(app, 'centre', 'POST', '/api/programmes/2027', {
        sessions: [{ titreCode: 'RNCP37674', expectedStart: '2027-06-07', expectedEnd: '2027-06-09', expectedCandidates: 2 }],
      }),
    );

    await notifier.onCommit(eventsOf(app, `session-${sessionId}`));
    await notifier.onCommit(eventsOf(app, `programme-${LYON}-2027`));

    const late = mails.find((mail) => mail.kind === 'session-created-late');
    expect(late?.text).toContain('Le centre Lyon Formation a créé dans CERES une session');
    expect(late?.text).toContain('Centre : Lyon Formation');
    expect(late?.text).not.toContain(LYON);
    const programme = mails.filter((mail) => mail.kind === 'programme-received');
    expect(programme.map((mail) => mail.subject)).toEqual([
      'Programmation prévisionnelle 2027 reçue du centre Lyon Formation',
      'Programmation prévisionnelle 2027 reçue du centre Lyon Formation',
    ]);
    expect(programme[0]?.text).toContain('Le centre agréé Lyon Formation a transmis');
  });
});

describe('a centre whose token has no name', () => {
  it('records no name, and the pages and mails show the id', async () => {
    const app = createTestApp();
    const { mails, notifier } = notifierOf(app);

    const sessionId = await createSession(app, 'centreUnnamed');
    await notifier.onCommit(eventsOf(app, `session-${sessionId}`));

    expect(createdEvent(app, sessionId).data).not.toHaveProperty('centreName');
    expect(await app.deps.views.getSessionView(sessionId)).not.toHaveProperty('centreName');
    expect(squeezed(ok(await pageGet(app, 'region', '/region/sessions')).body)).toContain(`<td>${LYON}</td>`);
    expect(squeezed(ok(await pageGet(app, 'ud', `/ud/sessions/${sessionId}`)).body)).toContain(`<dt>Centre</dt><dd>${LYON}</dd>`);
    expect(mails.find((mail) => mail.kind === 'session-created-late')?.text).toContain(`Le centre ${LYON} a créé dans CERES une session`);
  });

  it('keeps, in the programme view, the name an earlier submission gave', async () => {
    const app = createTestApp();
    const programme = { sessions: [{ titreCode: 'RNCP37674', expectedStart: '2027-06-07', expectedEnd: '2027-06-09', expectedCandidates: 2 }] };
    ok(await apiCall(app, 'centre', 'POST', '/api/programmes/2027', programme));

    ok(await apiCall(app, 'centreUnnamed', 'POST', '/api/programmes/2027', programme));

    const submissions = eventsOf(app, `programme-${LYON}-2027`).filter((event) => event.type === 'ProgrammeSubmitted');
    expect(submissions.map((event) => (event.type === 'ProgrammeSubmitted' ? (event.data.centreName ?? null) : 'other'))).toEqual(['Lyon Formation', null]);
    expect(await app.deps.views.getProgrammeView(LYON, 2027)).toMatchObject({ centreName: 'Lyon Formation', submission: { revision: 2 } });
  });
});

describe('a centre cannot name itself', () => {
  it('refuses a centreName in the API body as an unknown field, in French, and writes nothing', async () => {
    const app = createTestApp();
    const before = app.writes();

    const session = await apiCall(app, 'centreUnnamed', 'POST', '/api/sessions', { ...lateSession, centreName: 'Centre Officiel' });
    const programme = await apiCall(app, 'centreUnnamed', 'POST', '/api/programmes/2027', {
      centreName: 'Centre Officiel',
      sessions: [{ titreCode: 'RNCP37674', expectedStart: '2027-06-07', expectedEnd: '2027-06-09', expectedCandidates: 2 }],
    });

    for (const response of [session, programme]) {
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).error?.fields).toEqual([{ field: 'centreName', message: 'Champ inconnu.' }]);
    }
    expect(app.writes()).toBe(before);
  });

  it('refuses a centreName posted with the session form and writes nothing', async () => {
    const app = createTestApp();
    const before = app.writes();

    const response = await formPost(app, 'centre', '/centre/sessions', [
      ['ceresReference', 'CERES-2027-0077'],
      ['titreCode', 'RNCP37674'],
      ['startDate', '12/04/2027'],
      ['endDate', '13/04/2027'],
      ['site', 'Villeurbanne'],
      ['candidates.0.lastName', 'Roux'],
      ['candidates.0.firstName', 'Inès'],
      ['candidates.0.birthDate', '30/01/1995'],
      ['centreName', 'Centre Officiel'],
    ]);

    expect(response.statusCode).toBe(400);
    expect(text(response.body)).toContain('Champ inconnu');
    expect(app.writes()).toBe(before);
  });
});

describe('centre labels', () => {
  it('read the name when known, the id otherwise, and escape the name in HTML', () => {
    expect(centreLabel({ centreId: LYON, centreName: 'Lyon Formation' })).toBe('Lyon Formation');
    expect(centreLabel({ centreId: LYON })).toBe(LYON);
    expect(centreWithId({ centreId: LYON, centreName: 'A <b> & Cie' }).value).toBe(`A &lt;b&gt; &amp; Cie<br /><span class="hint">${LYON}</span>`);
    expect(centreWithId({ centreId: LYON }, 'inline').value).toBe(LYON);
  });
});
