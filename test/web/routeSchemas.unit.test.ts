import { describe, expect, it } from 'vitest';
import { schemas } from '../../shared/http/schemas.js';

/** The input schemas built so far: a member still behind its getter is not built. */
const built = () => Object.keys(schemas).filter((name) => !Object.getOwnPropertyDescriptor(schemas, name)?.get);

describe('the input schemas of the routes (issue 16: cold starts)', () => {
  it('are not built by loading the JSON API, the pages and the route table', async () => {
    await import('../../shared/http/api.js');
    await import('../../shared/web/pageRoutes.js');
    const { routes } = await import('../../shared/http/operations.js');
    expect(Object.keys(routes).length).toBeGreaterThan(40);
    expect(built()).toEqual([]);
  });

  it('are built with the first request of their route, once, and are the table’s', async () => {
    const { routes } = await import('../../shared/http/operations.js');
    const input = routes.createSession.input;
    expect(built()).toEqual(['createSession']);
    expect(routes.createSession.input).toBe(input);
    expect(input).toBe(schemas.createSession);
    // And it validates as before: a strict object, which refuses an unknown field.
    const result = input.safeParse({ ceresReference: 'X', unknown: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.code)).toContain('unrecognized_keys');
  });
});
