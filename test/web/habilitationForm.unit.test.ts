import { describe, expect, it } from 'vitest';
import { createTestApp, formPost, pageGet, squeezed } from './support/app.js';

const habilitate = (professionalisationDate: string): [string, string][] => [
  ['lastName', 'Dupont'],
  ['firstName', 'Claire'],
  ['email', 'claire@jury.example'],
  ['titreCode', 'RNCP37674'],
  ['department', '69'],
  ['validFrom', '01/01/2026'],
  ['validUntil', '30/06/2028'],
  ['professionalisationDate', professionalisationDate],
];

describe('the habilitation form, before the agent submits', () => {
  it('shows each recorded titre with its last revision and the day after which a professionalisation counts (two years before the revision)', async () => {
    const app = createTestApp();
    const page = squeezed((await pageGet(app, 'ud', '/ud/jures')).body);
    // Développeur web et web mobile, revised on 1 September 2023: counts if followed after 1 September 2021.
    expect(page).toContain(
      '<tr><th scope="row">Développeur web et web mobile (RNCP37674)</th><td>01/09/2023</td><td>après le 01/09/2021 (moins de 2 ans avant la révision, ou depuis)</td><td>19/07/2028</td></tr>',
    );
    expect(page).toContain('<th scope="row">Concepteur développeur d&#39;applications (RNCP37873)</th>');
    expect(page.indexOf('Titres, dernière révision et professionnalisation exigée')).toBeLessThan(page.indexOf('<form method="post" action="/ud/jures"'));
  });

  it('says what the refusal then applies: the day shown is refused, the day after is accepted', async () => {
    const app = createTestApp();
    const refused = await formPost(app, 'ud', '/ud/jures', habilitate('01/09/2021'));
    expect(refused.statusCode).toBe(422);
    expect(squeezed(refused.body)).toContain('révisé le 01/09/2023');
    const accepted = await formPost(app, 'ud', '/ud/jures', habilitate('02/09/2021'));
    expect(accepted.statusCode, accepted.body).toBe(303);
  });
});
