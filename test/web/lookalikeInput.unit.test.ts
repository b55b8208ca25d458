import { describe, expect, it } from 'vitest';
import { bodyOf, createTestApp, freshKey, httpEvent, pageGet } from './support/app.js';
import { seedSession } from './support/scenario.js';

/*
 * Input that only looks like what the system knows: names of Object.prototype's members, days
 * that do not exist, numbers that are not years, a media type that merely starts like JSON's.
 * Each is refused in French (or not found), and nothing is written.
 */

describe('input that only looks known', () => {
  it('refuses a form field named after a member of Object.prototype as unknown, writing nothing', async () => {
    const app = createTestApp();
    const { sessionId } = await seedSession(app);
    const writes = app.writes();
    for (const name of ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf']) {
      const answer = await app.api(
        httpEvent({
          method: 'POST',
          path: `/api/sessions/${sessionId}/cancel`,
          as: 'centre',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': freshKey() },
          body: new URLSearchParams([
            ['reason', 'Salle indisponible'],
            [name, '1'],
          ]).toString(),
        }),
      );
      expect(answer.statusCode, answer.body).toBe(400);
      expect(bodyOf(answer).error?.fields).toEqual([{ field: name, message: 'Champ inconnu.' }]);
    }
    expect(app.writes()).toBe(writes);
  });

  it('answers 404 for a static file named after a member of Object.prototype', async () => {
    const app = createTestApp();
    for (const file of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const answer = await pageGet(app, undefined, `/static/${file}`);
      expect(answer.statusCode, `${file}: ${answer.body}`).toBe(404);
    }
  });

  it('shows no notice for a notice name it does not know, Object.prototype’s members included', async () => {
    const app = createTestApp();
    for (const ok of ['constructor', '__proto__', 'toString']) {
      const answer = await pageGet(app, 'ud', '/ud', { ok });
      expect(answer.statusCode).toBe(200);
      expect(answer.body).not.toMatch(/native code|\[object Object\]|role="status"[^>]*>\s*function/);
    }
  });

  it('refuses a year of the late centres’ page that is not four digits, and reads a real one', async () => {
    const app = createTestApp();
    for (const annee of ['1e300', '-1', '99999', 'deux-mille']) {
      const answer = await pageGet(app, 'ud', '/ud/retards', { annee });
      expect(answer.statusCode, annee).toBe(400);
      expect(answer.body).toContain('L’année demandée est invalide');
    }
    const real = await pageGet(app, 'ud', '/ud/retards', { annee: '2027' });
    expect(real.statusCode).toBe(200);
    expect(real.body).toContain('Programmation 2027');
  });

  it('parses JSON under its own media type only, with or without parameters', async () => {
    const app = createTestApp();
    const { sessionId } = await seedSession(app);
    const writes = app.writes();
    const cancel = (contentType: string) =>
      app.api(
        httpEvent({
          method: 'POST',
          path: `/api/sessions/${sessionId}/cancel`,
          as: 'centre',
          headers: { 'content-type': contentType, 'idempotency-key': freshKey() },
          body: JSON.stringify({ reason: 'Salle indisponible' }),
        }),
      );
    for (const contentType of ['application/jsonp', 'application/json-seq', 'application/jsonx; charset=utf-8']) {
      const answer = await cancel(contentType);
      expect(answer.statusCode, contentType).toBe(400);
      expect(bodyOf(answer).error?.message).toMatch(/Type de contenu non pris en charge/);
    }
    expect(app.writes()).toBe(writes);
    expect((await cancel('Application/JSON; charset=utf-8')).statusCode).toBe(200);
  });
});
