import { canonicalJson, sha256Hex } from '../eventStore/canonical.js';
import type { Digest } from './digestSchema.js';

/**
 * The daily digest of the event store: for each stream changed on a (UTC) day, the hash of every
 * commit recorded that day, the last one included. It is written once to the PV bucket, whose
 * Object Lock keeps it unchangeable for the retention period, and names the previous day's digest
 * by its SHA-256. Whoever rewrites a commit later, even recomputing every hash of the chain after
 * it, cannot make it match a digest written before: `verifyStore` names the commit.
 */

/** Prefix of the digests in the PV bucket (the PV intake reacts only to `pv/`). */
export const DIGEST_PREFIX = 'digests/';

export const digestKey = (dayText: string): string => `${DIGEST_PREFIX}${dayText}.json`;

/** `2027-03-01` for any instant of that UTC day. */
export const utcDay = (instant: Date): string => instant.toISOString().slice(0, 10);

/** First and last millisecond of a UTC day. */
export const dayBounds = (dayText: string): { from: Date; to: Date } => {
  const from = new Date(`${dayText}T00:00:00.000Z`);
  return { from, to: new Date(from.getTime() + 86_400_000 - 1) };
};

const shiftDay = (dayText: string, days: number): string => utcDay(new Date(new Date(`${dayText}T00:00:00.000Z`).getTime() + days * 86_400_000));

export const previousDay = (dayText: string): string => shiftDay(dayText, -1);

export const nextDay = (dayText: string): string => shiftDay(dayText, 1);

/** The bytes written to the bucket: canonical JSON, so the same digest always hashes the same. */
export const serializeDigest = (digest: Digest): string => canonicalJson(digest);

export const digestSha256 = (bytes: string): string => sha256Hex(bytes);
