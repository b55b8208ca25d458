import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { toItem } from '../aws/attributes.js';
import type { StoredEvent } from '../../events/index.js';
import { commitItemFromStreamImage, historyItemOf, parseCommitEvents } from './records.js';

/**
 * The history index's writer, for the stream consumer (the projector): one item per event, put
 * from each commit's stream record. Apart from the reader (./historyIndex.ts), whose query
 * validation and signed cursors the consumer's bundle then does not carry.
 */

/** Most items per BatchWriteItem. */
const BATCH_SIZE = 25;

export interface HistoryIndexWriterOptions {
  readonly client: DynamoDBClient;
  readonly tables: { readonly history: string };
  /** Rounds of the `UnprocessedItems` loop before giving up (the record is then retried by the stream). */
  readonly maxRounds?: number;
  /** Injected so tests neither wait nor depend on chance. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export class HistoryIndexWriter {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly maxRounds: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: HistoryIndexWriterOptions) {
    this.client = options.client;
    this.table = options.tables.history;
    this.maxRounds = options.maxRounds ?? 6;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Writes the history items of a commit from its stream record's NewImage. Idempotent (keyed by event id). */
  async indexCommit(newImage: Readonly<Record<string, unknown>>): Promise<void> {
    await this.indexEvents(parseCommitEvents(commitItemFromStreamImage(newImage).events));
  }

  /**
   * Puts one history item per event, 25 per batch. The SDK retries a throttled call, but not the
   * items a successful BatchWriteItem left unprocessed: those are sent again here, with backoff.
   */
  async indexEvents(events: readonly StoredEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += BATCH_SIZE) {
      let requests: WriteRequest[] = events.slice(start, start + BATCH_SIZE).map((event) => ({ PutRequest: { Item: toItem(historyItemOf(event)) } }));
      for (let round = 1; requests.length > 0; round += 1) {
        const output = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: requests } }));
        requests = output.UnprocessedItems?.[this.table] ?? [];
        if (requests.length === 0) break;
        if (round >= this.maxRounds) throw new Error(`history: ${requests.length} items left unprocessed`);
        await this.sleep(Math.floor(Math.random() * Math.min(1_000, 25 * 2 ** round)));
      }
    }
  }
}
