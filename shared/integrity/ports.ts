/**
 * What the digest and its verification need from the outside world, as small ports: the store's
 * commits (read by key, never scanned on the daily path) and the archive of digests.
 */

/** One commit as stored, every attribute, untouched: verification recomputes its hash. */
export type RawCommit = Readonly<Record<string, unknown>>;

export interface CommitSource {
  /** Ids of the streams with at least one event recorded in [from, to], read from the history indexes. */
  streamsChangedBetween(from: Date, to: Date): Promise<readonly string[]>;
  /** Every commit of a stream, in order, as stored. */
  commits(streamId: string): Promise<readonly RawCommit[]>;
  /** Every stream id of the store: the full audit only (a batch job, never a request path). */
  allStreams(): AsyncIterable<string>;
}

export interface DigestArchive {
  /** The digest object of a day, as bytes, or undefined. */
  read(day: string): Promise<string | undefined>;
  /** Writes a day's digest once (the bucket's Object Lock then keeps it). */
  write(day: string, bytes: string): Promise<void>;
  /** Every day that has a digest, oldest first. */
  days(): Promise<readonly string[]>;
}
