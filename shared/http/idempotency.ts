import { createHash } from 'node:crypto';

/**
 * Idempotency of writes at the edge. There is no idempotency row: the key goes down to the event
 * store, which records it in the commit the write produced (shared/eventStore/dynamoEventStore.ts).
 * A retry with the same key reads the stream it writes to, finds that commit and answers with it,
 * as soon as the commit exists; a first attempt that died before committing left nothing behind,
 * so its retry simply runs. What the edge adds: the key is scoped to the user and the operation,
 * the request is hashed (the same key with other data is refused, 422), and a creation derives
 * the new aggregate's id from the key so that its retry lands on the same stream.
 */

/** Keys are accepted when they look like a UUID or a ULID: 8 to 128 safe characters. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,128}$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Same key, same request: a hash of what was asked, so a reused key with other data is refused. */
export const fingerprintOf = (...parts: unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/** Keys are per user and operation: two users cannot collide, nor one key serve two operations. */
export const scopedKey = (actorId: string, operationId: string, key: string): string => sha256(`${actorId}\n${operationId}\n${key}`).toString('hex');

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-shaped id (`ses_…`) derived from an idempotency key: the retry of a creation names the
 * same session, finds its stream and the commit the key produced there. `salt` tells apart the
 * ids one request derives (the session, its candidates). The first character stays below 8 like
 * a ULID's; the id carries no time.
 */
export const idFromKey = (prefix: string, key: string, salt: string): string => {
  const digest = sha256(`${key}\n${salt}`);
  const chars = Array.from({ length: 26 }, (_, i) => CROCKFORD[(digest[i] ?? 0) % (i === 0 ? 8 : 32)]);
  return `${prefix}_${chars.join('')}`;
};
