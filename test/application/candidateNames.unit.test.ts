import { describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/auth/principal.js';
import { mayReadName } from '../../shared/personalData/store.js';

const principal = (role: Principal['actor']['role'], scope: Principal['actor']['scope']): Principal => ({ actor: { role, id: `usr_${role}`, scope } }) as Principal;
const owner = { centreId: 'ctr_lyon', department: '69', region: '84' };
const jury = { centreId: 'ctr_lyon', jurorIds: ['jur_claire', 'jur_louis'] };

describe('who reads a candidate’s name', () => {
  it('a member of the jury of the candidate’s session, besides those who read identities', () => {
    expect(mayReadName(principal('juror', { jurorId: 'jur_claire' }), owner, jury)).toBe(true);
    expect(mayReadName(principal('centre', { centreId: 'ctr_lyon' }), owner)).toBe(true);
    expect(mayReadName(principal('ud', { department: '69' }), owner)).toBe(true);
  });

  it('not a juror off that jury, nor one shown a jury of another centre, nor one with no jury given, nor the region', () => {
    expect(mayReadName(principal('juror', { jurorId: 'jur_paul' }), owner, jury)).toBe(false);
    expect(mayReadName(principal('juror', { jurorId: 'jur_claire' }), owner, { ...jury, centreId: 'ctr_grenoble' })).toBe(false);
    expect(mayReadName(principal('juror', { jurorId: 'jur_claire' }), owner)).toBe(false);
    expect(mayReadName(principal('juror', {}), owner, jury)).toBe(false);
    expect(mayReadName(principal('region', { region: '84' }), owner, jury)).toBe(false);
  });
});
