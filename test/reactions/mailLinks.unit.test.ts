import { describe, expect, it } from 'vitest';
import { templates, type Rendered } from '../../shared/mail/templates.js';
import { apiCall, createTestApp, pageGet, users, type UserHandle } from '../web/support/app.js';
import { seedSession } from '../web/support/scenario.js';

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
  const habilitation = { jurorId: CLAIRE, titreCode: 'RNCP37674', department: '69', validFrom: '2026-01-01', validUntil: '2028-06-30', professionalisationDate: '2025-11-15' };
  expect((await apiCall(app, 'ud', 'POST', '/api/jurors', habilitation)).statusCode).toBe(201);
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
      ['juror', templates.jurorHabilitated('Claire Dupont', { titreCode: 'RNCP37674', department: '69', validFrom: '2026-01-01', validUntil: '2028-06-30' }, APP_URL)],
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
});
