import { describe, expect, it } from 'vitest';
import type { DynamoDBRecord } from 'aws-lambda';
import { matchesFilterPattern, streamFilterPattern } from '../../infra/streamFilter.js';

/** The stream filter shared by the CDK mapping and the offline change feed. */
const record = (eventName: DynamoDBRecord['eventName'], types?: string[]): DynamoDBRecord => ({
  eventName,
  dynamodb: {
    Keys: { pk: { S: 'session-a' }, sk: { N: '1' } },
    ...(types ? { NewImage: { pk: { S: 'session-a' }, sk: { N: '1' }, eventTypes: { SS: types } } } : {}),
  },
});

describe('stream filter pattern', () => {
  const pattern = streamFilterPattern(['SessionCreated', 'PVSigned']);

  it('filters on the dynamodb key only, as DynamoDB event source mappings do', () => {
    expect(Object.keys(pattern)).toEqual(['dynamodb']);
  });

  it('accepts a commit whose eventTypes set holds one declared type, among others', () => {
    expect(matchesFilterPattern(pattern, record('INSERT', ['CandidateRegistered', 'PVSigned']))).toBe(true);
  });

  it('drops a commit of other types, a commit without eventTypes and a removal (no new image)', () => {
    expect(matchesFilterPattern(pattern, record('INSERT', ['CandidateRegistered']))).toBe(false);
    expect(matchesFilterPattern(pattern, { eventName: 'INSERT', dynamodb: { NewImage: { pk: { S: 'session-a' } } } })).toBe(false);
    expect(matchesFilterPattern(pattern, record('REMOVE'))).toBe(false);
  });
});
