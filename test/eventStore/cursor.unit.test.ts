import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../shared/eventStore/cursor.js';

const secret = 's'.repeat(32);
const fingerprint = 'query-fingerprint';
const after = '01JQ0000000000000000000009';

/** A cursor over any payload, signed with the reader's own key: what only a holder of the key can make. */
const signed = (payload: unknown) => {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(`${fingerprint}\n${body}`).digest('base64url')}`;
};

describe('history cursors', () => {
  it('give back the event id they were made with, for the same query and key only', () => {
    const cursor = encodeCursor(secret, fingerprint, after);
    expect(decodeCursor(secret, fingerprint, cursor)).toBe(after);
    expect(() => decodeCursor(secret, 'another-query', cursor)).toThrow(expect.objectContaining({ code: 'history.cursor.invalid' }));
    expect(() => decodeCursor('k'.repeat(32), fingerprint, cursor)).toThrow(expect.objectContaining({ code: 'history.cursor.invalid' }));
  });

  it('refuse a correctly signed payload that is not { v: 1, after: <ULID> }', () => {
    expect(decodeCursor(secret, fingerprint, signed({ v: 1, after }))).toBe(after);
    for (const payload of [{ v: 2, after }, { v: 1, after: 'not-a-ulid' }, { v: 1 }, { v: 1, after, extra: true }, null, [after]]) {
      expect(() => decodeCursor(secret, fingerprint, signed(payload)), JSON.stringify(payload)).toThrow(expect.objectContaining({ code: 'history.cursor.invalid' }));
    }
  });
});
