import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StoredEvent } from '../../events/index.js';
import { readRawCommits } from './rawCommits.js';
import { parseCommitEvents, type CommitItem } from './records.js';

/**
 * The attributes folding a stream needs: not the stream id (the reader asked for it), the scope,
 * the event types nor the previous hash.
 */
export const FOLDED_ATTRIBUTES = ['sk', 'lastVersion', 'hash', 'events', 'idempotencyKey', 'requestHash'] as const;

/** A commit as a fold reads it: the attributes of FOLDED_ATTRIBUTES. */
export type FoldedCommit = Pick<CommitItem, (typeof FOLDED_ATTRIBUTES)[number]>;

/**
 * A stream's events, read consistently, for the functions that only read streams (the projector,
 * the due-date planner, the notifier): the commit store's read without its idempotency lookup and
 * without the append path, whose input validation (zod) their bundles then do not carry. Items are
 * not re-validated: the store validated them when writing, and the chain verifier checks them.
 */
export class DynamoStreamReader {
  constructor(private readonly options: { readonly client: DynamoDBClient; readonly tables: { readonly events: string } }) {}

  async readStream(streamId: string): Promise<{ readonly version: number; readonly events: StoredEvent[] }> {
    const items = (await readRawCommits(this.options.client, this.options.tables.events, streamId, FOLDED_ATTRIBUTES)) as FoldedCommit[];
    return { version: items.at(-1)?.lastVersion ?? 0, events: items.flatMap((item) => parseCommitEvents(item.events)) };
  }
}
