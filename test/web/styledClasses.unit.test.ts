import { describe, expect, it } from 'vitest';
import { createTestApp, pageGet, type UserHandle } from './support/app.js';
import { seedSession } from './support/scenario.js';

/*
 * Small print and badges are classes of the stylesheet: a class the stylesheet does not have
 * (« small » on the titres' CCP codes and the agrément's centre id) leaves a code running on after
 * the words it qualifies. Every class the pages render is styled, or is one of the hooks below.
 */

/** Classes that carry no look of their own: hooks for tests and scripts. */
const HOOKS = new Set(['centre', 'filters', 'replay', 'withdrawn-candidates']);

describe('the classes of the pages', () => {
  it('given the main page of every role, then every class they use is styled by app.css or is a declared hook', async () => {
    const app = createTestApp();
    const seeded = await seedSession(app);
    const stylesheet = (await pageGet(app, undefined, '/static/app.css')).body;
    const pages: [UserHandle, string][] = [
      ['centre', '/centre'],
      ['centre', '/centre/sessions/nouvelle'],
      ['centre', `/centre/sessions/${seeded.sessionId}`],
      ['centre', `/centre/sessions/${seeded.sessionId}/jury`],
      ['centre', `/centre/sessions/${seeded.sessionId}/passages`],
      ['ud', '/ud'],
      ['ud', '/ud/jures'],
      ['ud', `/ud/sessions/${seeded.sessionId}`],
      ['juror', '/jure'],
      ['region', '/region/sessions'],
      ['region', '/agrements'],
      ['region', '/agrements/ctr_lyon-formation'],
      ['region', '/titres'],
    ];
    const unstyled = new Set<string>();
    for (const [who, path] of pages) {
      const body = (await pageGet(app, who, path)).body;
      for (const match of body.matchAll(/class="([^"]*)"/g))
        for (const name of (match[1] ?? '').split(/\s+/).filter(Boolean))
          if (!HOOKS.has(name) && !new RegExp(`\\.${name}(?![\\w-])`).test(stylesheet)) unstyled.add(`${name} (${path})`);
    }

    expect([...unstyled]).toEqual([]);
  });
});
