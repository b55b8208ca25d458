import * as z from 'zod/mini';

/**
 * The digest's shape (./digest.ts), checked when one is read back: by the store's verification,
 * and by a schedule that finds its day's digest already written. The daily run that writes one
 * never reads one, so this module (and zod) load only when a digest is read (issue 16).
 */
const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const hex64 = z.string().check(z.regex(/^[0-9a-f]{64}$/));

export const digestSchema = z.object({
  kind: z.literal('tp-sessions/store-digest'),
  formatVersion: z.literal(1),
  /** The UTC day the commits were recorded on. */
  day,
  generatedAt: z.string(),
  /** SHA-256 of the previous day's digest object, when there is one. */
  previousDigestSha256: z.optional(hex64),
  streams: z.array(
    z.object({
      streamId: z.string(),
      lastCommit: z.int().check(z.gte(1)),
      lastHash: hex64,
      commits: z.array(z.object({ commit: z.int().check(z.gte(1)), hash: hex64 })),
    }),
  ),
});
export type Digest = z.infer<typeof digestSchema>;
export type DigestStream = Digest['streams'][number];
