import { randomFillSync } from 'node:crypto';
import { monotonicFactory, ulid } from 'ulid';

/**
 * ULIDs with the same randomness (the system's cryptographic generator), drawn 4 KB at a time:
 * the ulid package's own generator makes one `crypto.getRandomValues` call per character, 16 per
 * id, which showed as 2% of the CPU of `npm run bench:store` (issue 16, write path). A byte divided
 * by 256 is uniform over the 32 characters of the alphabet, as the package's own draw is.
 */
const pool = Buffer.alloc(4096);
let next = pool.length;

export const randomFraction = (): number => {
  if (next >= pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return (pool[next++] ?? 0) / 256;
};

/** A new ULID. */
export const newUlid = (): string => ulid(undefined, randomFraction);

/** A new pseudonymous id: `newId('cand')` gives `cand_01J…`. */
export const newId = (prefix: string): string => `${prefix}_${newUlid()}`;

/** A generator of strictly increasing ULIDs, even within one millisecond (event ids). */
export const monotonicUlids = () => monotonicFactory(randomFraction);
