import { describe, expect, it } from 'vitest';
import { compileRoute, RouteTable } from '../../infra/offline/routes.js';

const table = (...paths: string[]) => new RouteTable(paths.map((path) => compileRoute({ method: 'GET', path }, path)));

describe('route matching like API Gateway', () => {
  it('prefers literal segments over parameters, and parameters over a greedy path', () => {
    const routes = table('/sessions/{proxy+}', '/sessions/{id}', '/sessions/nouvelle', '/sessions/{id}/pv');
    expect(routes.match('GET', '/sessions/nouvelle')?.route.target).toBe('/sessions/nouvelle');
    expect(routes.match('GET', '/sessions/ses_1')?.pathParameters).toEqual({ id: 'ses_1' });
    expect(routes.match('GET', '/sessions/ses_1/pv')?.route.target).toBe('/sessions/{id}/pv');
    expect(routes.match('GET', '/sessions/ses_1/a/b')?.pathParameters).toEqual({ proxy: 'ses_1/a/b' });
  });

  it('matches nothing for another method, a shorter path or an empty greedy part', () => {
    const routes = table('/a/{id}', '/b/{proxy+}');
    expect(routes.match('POST', '/a/1')).toBeUndefined();
    expect(routes.match('GET', '/a')).toBeUndefined();
    expect(routes.match('GET', '/b')).toBeUndefined();
    expect(routes.match('GET', '/a/1/2')).toBeUndefined();
  });

  it('decodes parameters and refuses two declarations of the same route', () => {
    expect(table('/a/{id}').match('GET', '/a/caf%C3%A9')?.pathParameters).toEqual({ id: 'café' });
    expect(() => table('/a/{id}', '/a/{other}')).toThrow(/same route/);
    expect(() => table('/a/{x+}/b')).toThrow(/last segment/);
  });
});
