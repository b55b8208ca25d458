import { describe, expect, it } from 'vitest';
import { deadlinePathFor } from '../../shared/deadlineIndex/run.js';
import type { Audience, DeadlineKind } from '../../shared/domain/index.js';
import { templates, type Rendered } from '../../shared/mail/templates.js';
import { apiCall, createTestApp, pageGet, users, type UserHandle } from '../web/support/app.js';
import { knownJurorInput, seedSession } from '../web/support/scenario.js';

/*
 * Every link a mail carries opens a page its reader may open: the path is one of the page routes
 * (not the API, not a page of another role), answered 200 for the reader signed in. A link to a
 * page that does not exist (404) leaves the reader with nothing to act on.
 */

const APP_URL = 'https://tp.example';
const CLAIRE = String(users.juror?.['custom:jurorId']);

/** The links of a mail, as paths, read from its plain text (« Libellé : https://… »). */
const linksOf = (mail: Rendered): string[] => [...mail.text.matchAll(/ : (https:\/\/tp\.example\S*)$/gm)].map((match) => (match[1] ?? '').slice(APP_URL.length));

const world = async () => {
  const app = createTestApp();
  const seeded = await seedSession(app);
  expect((await apiCall(app, 'ud', 'POST', '/api/jurors', knownJurorInput(CLAIRE))).statusCode).toBe(201);
  expect((await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/jury`, { jurorId: CLAIRE, tiedCandidateIds: [] })).statusCode).toBe(200);
  const session = await app.deps.views.getSessionView(seeded.sessionId);
  if (!session) throw new Error('seeded session not projected');
  return { app, session };
};

describe('links in mails', () => {
  it('given each mail with a link, when its reader follows it signed in, then the page exists and opens for them (200)', async () => {
    const { app, session } = await world();
    const programme = { centreId: session.centreId, centreName: 'Lyon Formation', year: 2027, revision: 1, onTime: true, plannedCount: 1, submittedOn: '2026-12-05' };
    const mails: [reader: UserHandle, mail: Rendered][] = [
      ['ud', templates.programmeReceived('DDETS du Rhône', programme, APP_URL, '/ud')],
      ['region', templates.programmeReceived('DREETS Auvergne-Rhône-Alpes', programme, APP_URL, '/region/sessions')],
      ['ud', templates.sessionCreatedLate('DDETS du Rhône', session, { createdOn: '2027-02-01', creationDeadline: '2027-01-07' }, APP_URL)],
      [
        'juror',
        templates.jurorHabilitated(
          'Claire Dupont',
          {
            titre: { code: 'RNCP37674', ccps: new Map() },
            department: '69',
            validFrom: '2026-01-01',
            validUntil: '2028-06-30',
            unit: { name: 'DDETS du Rhône', email: 'ddets@rhone.example' },
          },
          APP_URL,
        ),
      ],
      ['juror', templates.jurorConvocation('Claire Dupont', session, { startTime: '08:30' }, APP_URL)],
      ['juror', templates.accommodations('Claire Dupont', session, { count: 1 }, APP_URL)],
      ['ud', templates.pvTransmitted('DDETS du Rhône', session, { revision: 1, transmittedOn: '2027-06-10' }, APP_URL)],
      ['centre', templates.pvRejected('Lyon Formation', session, { rejectedOn: '2027-06-12', reason: 'Signature manquante' }, APP_URL)],
      ['centre', templates.pvQuarantined('Lyon Formation', session, { objectKey: 'k', reason: 'not-pdf' }, APP_URL)],
      ['centre', templates.pvValidatedCentre('Lyon Formation', session, { validatedOn: '2027-06-14', results: [] }, APP_URL)],
    ];

    const opened = [];
    for (const [reader, mail] of mails) {
      const links = linksOf(mail);
      expect(links, mail.subject).not.toHaveLength(0);
      for (const path of links) opened.push({ subject: mail.subject, reader, path, status: (await pageGet(app, reader, path)).statusCode });
    }

    expect(opened.filter((link) => link.status !== 200)).toEqual([]);
  });

  it('given each deadline and each audience it reminds or alerts, when the reader follows the mail’s link signed in, then it opens their own page (200): the session’s, the programme’s, the habilitations’', async () => {
    const { app, session } = await world();
    const readerOf: Record<Audience, UserHandle> = { centre: 'centre', ud: 'ud', region: 'region', juror: 'juror', jurors: 'juror' };
    const onSession = { scope: { centreId: session.centreId, department: '69', sessionId: session.sessionId, jurorId: CLAIRE } };
    const onProgramme = { scope: { centreId: session.centreId, department: '69' } };
    const deadlines: [DeadlineKind, typeof onSession | typeof onProgramme, Audience[]][] = [
      ['yearly-programme', onProgramme, ['centre', 'ud', 'region']],
      ['session-creation', onProgramme, ['centre', 'ud']],
      ['juror-convocations', onSession, ['centre', 'jurors']],
      ['jury-complete', onSession, ['centre', 'ud']],
      ['habilitation-expiry', onSession, ['juror', 'centre', 'ud']],
      ['pv-transmission', onSession, ['centre', 'ud']],
      ['pv-validation', onSession, ['ud', 'region']],
    ];

    const opened = [];
    for (const [kind, { scope }, audiences] of deadlines)
      for (const audience of audiences) {
        const path = deadlinePathFor(audience, { kind, scope }, '2027');
        opened.push({ kind, audience, path, status: (await pageGet(app, readerOf[audience], path)).statusCode });
      }

    expect(opened.filter((link) => link.status !== 200)).toEqual([]);
  });
});
