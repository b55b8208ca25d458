import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DomainEvent } from '../../events/index.js';
import { DynamoChainVerifier } from '../../shared/eventStore/chain.js';
import { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { HistoryIndexReader } from '../../shared/eventStore/historyIndex.js';
import { HistoryIndexWriter } from '../../shared/eventStore/historyIndexWriter.js';
import type { AppendOptions, HistoryQuery, ReadOptions } from '../../shared/eventStore/port.js';
import type { Clock } from '../../shared/platform/clock.js';

/**
 * The store's parts over one dynalite, for tests that read the history right after appending:
 * each append is indexed at once, as the stream consumer does seconds later in the system
 * (tests that prove the consumer itself give it the stream record instead).
 */
export const indexedStore = (options: { client: DynamoDBClient; tables: { readonly events: string; readonly history: string }; cursorSecret?: string; clock?: Clock }) => {
  const commits = new DynamoEventStore({ client: options.client, tables: options.tables, ...(options.clock ? { clock: options.clock } : {}) });
  const writer = new HistoryIndexWriter({ client: options.client, tables: options.tables });
  const reader = new HistoryIndexReader({ client: options.client, tables: options.tables, cursorSecret: options.cursorSecret ?? 'x'.repeat(40) });
  const chain = new DynamoChainVerifier({ client: options.client, tables: options.tables });
  return {
    async append(streamId: string, expectedVersion: number, events: readonly DomainEvent[], appendOptions: AppendOptions) {
      const result = await commits.append(streamId, expectedVersion, events, appendOptions);
      if (!result.replayed) await writer.indexEvents(result.events);
      return result;
    },
    readStream: (streamId: string, readOptions?: ReadOptions) => commits.readStream(streamId, readOptions),
    history: (query: HistoryQuery) => reader.history(query),
    verify: (streamId: string) => chain.verify(streamId),
  };
};
export type IndexedStore = ReturnType<typeof indexedStore>;
