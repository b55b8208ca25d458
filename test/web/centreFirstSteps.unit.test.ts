import { describe, expect, it } from 'vitest';
import { createTestApp, pageGet, pageText } from './support/app.js';

/*
 * A session manager of a newly approved centre, signed in for the first time: the dashboard says
 * how a session comes to be listed (created in CERES first, then recorded here), and the menu names
 * the step as the page it opens does (the session is created in CERES, recorded here).
 */

const heading = (body: string): string => /<h1>([^<]*)<\/h1>/.exec(body)?.[1]?.trim() ?? '';

describe('a new centre’s first steps', () => {
  it('given a centre with no session, when its manager opens the dashboard, then it says to create the session in CERES three months ahead and record it here', async () => {
    const app = createTestApp();

    const text = pageText((await pageGet(app, 'centre2', '/centre')).body);

    expect(text).toContain(
      'Aucune session enregistrée pour le moment. Créez d’abord la session dans CERES, au moins trois mois avant son début, puis enregistrez-la ici avec le bouton « Enregistrer une session créée dans CERES » : vous y suivrez son jury, ses convocations et son procès-verbal.',
    );
  });

  it('names the menu entry as the heading of the page it opens', async () => {
    const app = createTestApp();
    const dashboard = (await pageGet(app, 'centre', '/centre')).body;
    const menu = /<nav aria-label="Navigation principale">([\s\S]*?)<\/nav>/.exec(dashboard)?.[1] ?? '';
    const entries = [...menu.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((match) => ({ href: match[1] ?? '', label: match[2] ?? '' }));
    const creation = entries.find((entry) => entry.href === '/centre/sessions/nouvelle');

    expect(creation?.label).toBe(heading((await pageGet(app, 'centre', '/centre/sessions/nouvelle')).body));
    expect(creation?.label).toBe('Enregistrer une session');
  });
});
