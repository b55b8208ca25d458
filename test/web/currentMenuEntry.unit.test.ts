import { describe, expect, it } from 'vitest';
import { createTestApp, pageGet, type UserHandle } from './support/app.js';
import { seedSession } from './support/scenario.js';

/*
 * Where am I: the menu marks the entry of the page being read (aria-current="page", read out by
 * screen readers, and styled so that sighted users see it), the dashboard for a session's pages.
 */

const currentEntries = (body: string): string[] => {
  const menu = /<nav aria-label="Navigation principale">([\s\S]*?)<\/nav>/.exec(body)?.[1] ?? '';
  return [...menu.matchAll(/<a href="[^"]+"\s+aria-current="page">([^<]+)<\/a>/g)].map((match) => match[1] ?? '');
};

describe('the current entry of the menu', () => {
  it('given each role’s pages, then the menu marks one entry, the page’s own or the one it falls under', async () => {
    const app = createTestApp();
    const seeded = await seedSession(app);
    const cases: [UserHandle, string, string][] = [
      ['centre', '/centre', 'Tableau de bord'],
      ['centre', '/centre/programme/2027', 'Programmation annuelle'],
      ['centre', '/centre/sessions/nouvelle', 'Enregistrer une session'],
      ['centre', `/centre/sessions/${seeded.sessionId}/jury`, 'Tableau de bord'],
      ['ud', '/ud', 'Tableau de bord'],
      ['ud', '/ud/jures', 'Habilitations'],
      ['ud', '/ud/retards', 'Centres en retard'],
      ['ud', `/ud/sessions/${seeded.sessionId}`, 'Tableau de bord'],
      ['region', '/region/sessions', 'Sessions de la région'],
      ['region', '/agrements/ctr_lyon-formation', 'Agréments'],
      ['region', '/titres', 'Titres'],
      ['juror', '/jure', 'Mes convocations'],
    ];
    for (const [who, path, entry] of cases) expect(currentEntries((await pageGet(app, who, path)).body), `${who} ${path}`).toEqual([entry]);
  });

  it('shows the current entry, not only to screen readers: the stylesheet styles it', async () => {
    const app = createTestApp();
    const stylesheet = (await pageGet(app, undefined, '/static/app.css')).body;

    expect(stylesheet).toMatch(/header nav a\[aria-current=page\]\{[^}]*font-weight:700/);
  });
});
