import { describe, expect, it } from 'vitest';
import { createTestApp, formPost } from './support/app.js';

/*
 * A form sent back with errors: the browser puts the focus on the error summary (autofocus on the
 * focusable summary), so that a keyboard or screen reader user starts from the errors and their
 * links, not from the top of the page. The browser e2e (session) checks the focus itself.
 */

describe('the focus on a form sent back with errors', () => {
  it('given a session form with a mistake, when it comes back, then its error summary, and nothing else, asks for the focus', async () => {
    const app = createTestApp();

    const response = await formPost(app, 'centre', '/centre/sessions', [
      ['ceresReference', 'CERES-2027-0099'],
      ['titreCode', 'RNCP37674'],
      ['startDate', '07/06/2027'],
      ['endDate', '09/06/2027'],
      ['site', 'Lyon 7e'],
      ['candidates.0.lastName', 'Martin'],
      ['candidates.0.firstName', 'Léa'],
    ]);

    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/<div class="error-summary" role="alert" tabindex="-1" id="erreurs" autofocus>/);
    expect(response.body.match(/autofocus/g)).toHaveLength(1);
  });
});
