import { describe, expect, it } from 'vitest';
import { apiCall, bodyOf, createTestApp, users } from './support/app.js';
import { newJurorInput, seedSession } from './support/scenario.js';

/*
 * Writes that must not reach what another request, or another unit, owns: a habilitation never
 * rewrites who a known juror is nor moves them to another department's UD, and one idempotency
 * key sent to two sessions never gives two people the same candidate id.
 */

const habilitation = { titreCode: 'RNCP37873', validFrom: '2026-01-01', validUntil: '2028-06-30', professionalisationDate: '2025-11-15' };
const takeover = { lastName: 'Pirate', firstName: 'Paul', email: 'attacker@evil.example' };

describe('habilitating a juror already known', () => {
  it('is refused to the UD of another department, which rewrites neither the identity nor the juror’s department', async () => {
    const app = createTestApp();
    const dupont = String(bodyOf(await apiCall(app, 'ud', 'POST', '/api/jurors', newJurorInput('Dupont'))).jurorId);
    const writes = app.writes();

    const answer = await apiCall(app, 'ud38', 'POST', '/api/jurors', { jurorId: dupont, ...takeover, department: '38', ...habilitation });

    expect(answer.statusCode, answer.body).toBe(403);
    expect(bodyOf(answer).error?.code).toBe('habilitation.juror-of-other-department');
    expect(bodyOf(answer).error?.message).toMatch(/autre département/);
    expect(app.writes()).toBe(writes);
    expect((await app.personalData.readJurors([dupont])).get(dupont)).toMatchObject({ lastName: 'Dupont', email: 'dupont@jury.example' });
    const listed = bodyOf(await apiCall(app, 'ud', 'GET', '/api/jurors')) as { items: { jurorId: string }[] };
    expect(listed.items.map((item) => item.jurorId)).toContain(dupont);
  });

  it('by the juror’s own UD, adds the habilitation but refuses to rewrite the identity, field by field', async () => {
    const app = createTestApp();
    const dupont = String(bodyOf(await apiCall(app, 'ud', 'POST', '/api/jurors', newJurorInput('Dupont'))).jurorId);
    const writes = app.writes();

    const rewrite = await apiCall(app, 'ud', 'POST', '/api/jurors', { jurorId: dupont, ...takeover, department: '69', ...habilitation });
    expect(rewrite.statusCode, rewrite.body).toBe(422);
    expect(bodyOf(rewrite).error).toMatchObject({ code: 'juror.identity-known', fields: [{ field: 'lastName', message: expect.stringMatching(/ne se modifient pas/) }] });
    const partial = await apiCall(app, 'ud', 'POST', '/api/jurors', { jurorId: dupont, email: 'autre@jury.example', department: '69', ...habilitation });
    expect(partial.statusCode, partial.body).toBe(400);
    expect(bodyOf(partial).error?.fields.map((field) => field.field)).toEqual(['lastName', 'firstName']);
    expect(app.writes()).toBe(writes);
    expect((await app.personalData.readJurors([dupont])).get(dupont)).toMatchObject({ lastName: 'Dupont', email: 'dupont@jury.example' });

    const added = await apiCall(app, 'ud', 'POST', '/api/jurors', { jurorId: dupont, department: '69', ...habilitation });
    expect(added.statusCode, added.body).toBe(201);
    expect((await app.deps.views.getJurorView(dupont))?.habilitations.map((h) => h.titreCode).sort()).toEqual(['RNCP37674', 'RNCP37873']);
  });

  it('records the identity of a person named by id who holds no habilitation yet', async () => {
    const app = createTestApp();
    const claire = String(users.juror?.['custom:jurorId']);
    const answer = await apiCall(app, 'ud', 'POST', '/api/jurors', {
      jurorId: claire,
      lastName: 'Dupont',
      firstName: 'Claire',
      email: 'claire@jury.example',
      department: '69',
      ...habilitation,
    });
    expect(answer.statusCode, answer.body).toBe(201);
    expect((await app.personalData.readJurors([claire])).get(claire)).toMatchObject({ lastName: 'Dupont', email: 'claire@jury.example' });
  });
});

describe('one idempotency key sent to two sessions', () => {
  it('registers two candidates with ids of their own, each keeping their name; the retry on the first session replays', async () => {
    const app = createTestApp();
    const first = (await seedSession(app)).sessionId;
    const created = await apiCall(app, 'centre', 'POST', '/api/sessions', {
      ceresReference: 'CERES-2027-0043',
      titreCode: 'RNCP37674',
      startDate: '2027-06-14',
      endDate: '2027-06-16',
      site: 'Villeurbanne',
      candidates: [{ lastName: 'Blanc', firstName: 'Inès', birthDate: '1992-05-02' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const second = String(bodyOf(created).sessionId);
    const key = { 'idempotency-key': 'same-key-for-two-sessions' };
    const register = (sessionId: string, lastName: string) =>
      apiCall(app, 'centre', 'POST', `/api/sessions/${sessionId}/candidates`, { lastName, firstName: 'Zoé', birthDate: '1991-01-01' }, key);

    const inFirst = await register(first, 'Zed');
    const inSecond = await register(second, 'Quinn');
    const again = await register(first, 'Zed');

    for (const answer of [inFirst, inSecond, again]) expect(answer.statusCode, answer.body).toBe(200);
    expect([inFirst.headers?.['idempotent-replayed'], inSecond.headers?.['idempotent-replayed'], again.headers?.['idempotent-replayed']]).toEqual([undefined, undefined, 'true']);
    const newest = async (sessionId: string) => (await app.deps.views.getSessionView(sessionId))?.candidateIds.at(-1) ?? '';
    const [a, b] = [await newest(first), await newest(second)];
    expect(a).not.toBe(b);
    const principal = { actor: { role: 'centre', id: 'usr_centre', scope: { centreId: 'ctr_lyon-formation', department: '69', region: '84' } } } as never;
    const names = await app.personalData.readCandidates(principal, [a, b]);
    expect([names.get(a)?.lastName, names.get(b)?.lastName]).toEqual(['Zed', 'Quinn']);
  });
});
