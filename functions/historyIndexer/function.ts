import { eventTypes } from '../../events/index.js';
import { defineFunction } from '../../shared/platform/declarations.js';

/** Writes the history index again from the stream, in case the store's write-through failed. */
export const historyIndexer = defineFunction({
  name: 'historyIndexer',
  entry: 'functions/historyIndexer/handler.ts',
  description: 'Indexe chaque événement dans l’historique (par centre, département, région et type), depuis le flux.',
  trigger: { kind: 'stream', eventTypes: [...eventTypes], batchSize: 100 },
  // The commit comes in the stream record: only the history table is written, nothing else read.
  resources: { tables: { history: 'readwrite' } },
  timeoutSeconds: 60,
});
