import { randomFillSync } from 'node:crypto';

/**
 * ULIDs (https://github.com/ulid/spec): 10 characters of time (milliseconds since the epoch), then
 * 16 of randomness, in Crockford's base 32, so that they sort by time.
 *
 * Written here rather than taken from the `ulid` package: every function appending events carried
 * the whole package (2.3 KB of each cold start, with its browser and UUID helpers: issue 16) for
 * three of its functions. The package stays the reference: test/platform/ids.unit.test.ts checks that both give
 * the same ids from the same time and randomness, within one millisecond and across.
 *
 * One difference, on purpose: the package reads a time of 0 (or NaN) as "no time given" and takes
 * the clock's; here 0 is the epoch, and a time that is not a whole number of milliseconds within
 * range (NaN from an invalid date, say) is refused with a RangeError, never replaced.
 *
 * The randomness is the system's cryptographic generator, drawn 4 KB at a time: the package's own
 * generator made one `crypto.getRandomValues` call per character, 16 per id, which showed as 2% of
 * the CPU of `npm run bench:store`. A byte divided by 256 is uniform over the 32 characters.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LENGTH = 10;
const RANDOM_LENGTH = 16;
/** The largest time a ULID holds: 2^48 - 1 ms, in the year 10889. */
const TIME_MAX = 2 ** 48 - 1;

const pool = Buffer.alloc(4096);
let next = pool.length;

/** A uniform fraction in [0, 1), from the pool of cryptographic randomness. */
export const randomFraction = (): number => {
  if (next >= pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return (pool[next++] ?? 0) / 256;
};

/** The time part of a ULID: `ms` in 10 characters of base 32. */
export const encodeUlidTime = (ms: number): string => {
  if (!Number.isInteger(ms) || ms < 0 || ms > TIME_MAX) throw new RangeError(`A ULID holds a whole number of milliseconds from 0 to ${TIME_MAX}, not ${ms}.`);
  let text = '';
  for (let rest = ms, left = TIME_LENGTH; left > 0; left -= 1, rest = Math.floor(rest / 32)) text = ALPHABET.charAt(rest % 32) + text;
  return text;
};

/** The smallest ('0') or largest ('Z') ULID of the millisecond of `instant` (bounds of a range query by time). */
export const ulidBound = (instant: Date, fill: '0' | 'Z'): string => encodeUlidTime(Math.max(0, instant.getTime())) + fill.repeat(RANDOM_LENGTH);

// Characters are drawn last-to-first, as the package draws them, so that both give the same id.
const randomPart = (draw: () => number): string => {
  let text = '';
  for (let left = RANDOM_LENGTH; left > 0; left -= 1) text = ALPHABET.charAt(Math.floor(draw() * 32) % 32) + text;
  return text;
};

/** The next random part within one millisecond: plus one in base 32. */
const increment = (random: string): string => {
  for (let index = random.length - 1; index >= 0; index -= 1) {
    const digit = ALPHABET.indexOf(random.charAt(index));
    if (digit < 0) throw new RangeError(`Not base 32: ${random}`);
    if (digit < 31) return random.slice(0, index) + ALPHABET.charAt(digit + 1) + '0'.repeat(random.length - 1 - index);
  }
  // 2^80 ids in one millisecond: not a case that happens, but never a repeated id.
  throw new RangeError('No ULID left in this millisecond.');
};

/** A new ULID. */
export const newUlid = (now = Date.now(), draw: () => number = randomFraction): string => encodeUlidTime(now) + randomPart(draw);

/** A new pseudonymous id: `newId('cand')` gives `cand_01J…`. */
export const newId = (prefix: string): string => `${prefix}_${newUlid()}`;

/**
 * A generator of strictly increasing ULIDs (event ids): within one millisecond, or when the clock
 * steps back, the next id keeps the last time and adds one to the last random part.
 */
export const monotonicUlids = (draw: () => number = randomFraction) => {
  // Below any time: the first id always draws (a negative first time meets the range check, not an increment).
  let lastTime = Number.NEGATIVE_INFINITY;
  let lastRandom = '';
  return (now: number = Date.now()): string => {
    if (now <= lastTime) {
      lastRandom = increment(lastRandom);
      return encodeUlidTime(lastTime) + lastRandom;
    }
    const id = encodeUlidTime(now);
    lastTime = now;
    lastRandom = randomPart(draw);
    return id + lastRandom;
  };
};
