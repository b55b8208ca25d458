import { describe, expect, it } from 'vitest';
import { apiCall, bodyOf, createTestApp, pageGet, pageText } from './support/app.js';
import { lateSessionInput, seedSession } from './support/scenario.js';

/*
 * The UD follows every session of its department (DOMAIN.md: it receives the programme and the PV,
 * is alerted on late steps): not only this week's, which is all its dashboard lists.
 */

const text = (markup: string) => pageText(markup.replace(/<[^>]+>/g, ' '));

describe('the sessions of the department', () => {
  it('given sessions of the Rhône in June and April and one of the Isère, when the UD opens « Sessions » from its menu, then both of its department are listed, newest first, each linked to its page, and not the Isère’s', async () => {
    const app = createTestApp();
    const seeded = await seedSession(app);
    const late = await apiCall(app, 'centre', 'POST', '/api/sessions', lateSessionInput);
    expect(late.statusCode, late.body).toBe(201);
    const isere = await apiCall(app, 'centre2', 'POST', '/api/sessions', { ...lateSessionInput, ceresReference: 'CERES-2027-0380', site: 'Grenoble' });
    expect(isere.statusCode, isere.body).toBe(201);

    const dashboard = (await pageGet(app, 'ud', '/ud')).body;
    const href = /<a href="(\/ud\/[^"]+)"\s*>Sessions<\/a>/.exec(dashboard)?.[1];
    expect(href, 'a menu entry « Sessions »').toBeDefined();
    const response = await pageGet(app, 'ud', href ?? '');

    expect(response.statusCode, response.body).toBe(200);
    const page = response.body;
    expect(page).toContain('<h1>Sessions du département</h1>');
    expect(page).toMatch(/<a href="[^"]+"\s+aria-current="page">Sessions<\/a>/);
    const words = text(page);
    expect(words.indexOf('CERES-2027-0042')).toBeGreaterThan(-1);
    expect(words.indexOf('CERES-2027-0042')).toBeLessThan(words.indexOf('CERES-2027-0077'));
    expect(page).toContain(`href="/ud/sessions/${seeded.sessionId}"`);
    expect(page).toContain(`href="/ud/sessions/${String(bodyOf(late).sessionId)}"`);
    expect(words).toContain('du 07/06/2027 au 09/06/2027');
    expect(words).not.toContain('CERES-2027-0380');
  });
});
