import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidCursor } from './errors.js';

/**
 * History cursors: the id of the last event returned, signed with HMAC-SHA256 over the query's
 * fingerprint too. A client can neither forge a position nor reuse a cursor on another query
 * (another centre's history, say); either way the cursor is refused as a validation error.
 */
/**
 * Most bytes of stored events (their JSON) one page of history carries, whatever its size. A page
 * is answered as one Lambda response, refused over 6 MB once wrapped: CSV doubles the quotes of the
 * data, and the response's JSON escapes them again (about 1.7 times the events' JSON in all). Past
 * this budget the page stops short, and its cursor goes on from there.
 */
export const PAGE_EVENT_BYTES = 2_500_000;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The signed payload, `{ v: 1, after: <event id> }`: read only once its signature is checked. */
const afterOf = (payload: unknown): string => {
  const { v, after, ...rest } = (payload ?? {}) as { v?: unknown; after?: unknown };
  if (v !== 1 || typeof after !== 'string' || !ULID.test(after) || Object.keys(rest).length > 0) throw new Error('unexpected cursor payload');
  return after;
};

const mac = (secret: string, fingerprint: string, payload: string) => createHmac('sha256', secret).update(`${fingerprint}\n${payload}`).digest();

export const encodeCursor = (secret: string, fingerprint: string, after: string): string => {
  const payload = Buffer.from(JSON.stringify({ v: 1, after })).toString('base64url');
  return `${payload}.${mac(secret, fingerprint, payload).toString('base64url')}`;
};

/** The event id the cursor points after, or a `history.cursor.invalid` AppError. */
export const decodeCursor = (secret: string, fingerprint: string, cursor: string): string => {
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0 || cursor.length > 512) throw invalidCursor();
  const expected = mac(secret, fingerprint, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  try {
    return afterOf(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch (error) {
    throw invalidCursor(error);
  }
};
