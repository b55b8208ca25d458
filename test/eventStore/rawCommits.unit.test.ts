import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { fromItem } from '../../shared/aws/attributes.js';
import { commitItemValues } from '../../shared/eventStore/rawCommits.js';

describe('writing a commit item', () => {
  const commit = {
    pk: 'session-ses_01',
    sk: 12,
    firstVersion: 20,
    lastVersion: 21,
    events: '[{"id":"01J","type":"CandidateRegistered","data":{"candidateId":"cand_1","note":"accentué « é »"}}]',
    eventTypes: new Set(['CandidateRegistered', 'CandidateWithdrawn']),
    idempotencyKey: 'k-1',
    centreId: undefined,
    region: '84',
    recordedAt: '2027-03-01T08:00:00.000Z',
    prevHash: '0'.repeat(64),
    hash: 'f'.repeat(64),
  };

  it('gives exactly what marshall gives for the strings, numbers and string set a commit holds, leaving undefined out', () => {
    expect(commitItemValues(commit)).toEqual(marshall(commit, { removeUndefinedValues: true }));
    expect(fromItem(commitItemValues(commit))).toEqual(Object.fromEntries(Object.entries(commit).filter(([, value]) => value !== undefined)));
  });

  it('refuses what a commit never holds rather than writing it: a map, a list, an empty set, a number that is not finite or beyond the safe integers', () => {
    for (const odd of [{ a: 1 }, ['x'], new Set(), new Set([1]), Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2, -1e300, true, null])
      expect(() => commitItemValues({ ...commit, odd }), String(odd)).toThrow(/Commit attribute odd/);
  });
});
