import { eventTypeNames } from '../../events/versions.js';
import { defineFunction } from '../../shared/platform/declarations.js';

/**
 * The cheap DynamoDB writes of every commit, in one stream reader: the read models (views), the
 * history index and the due-date index. DynamoDB Streams serves at most two readers per shard;
 * the notifier is the other one.
 */
export const projector = defineFunction({
  name: 'projector',
  entry: 'functions/projector/handler.ts',
  description: 'Projette chaque événement dans les vues lues par les pages, l’index de l’historique (centre, département, région, type) et l’index des échéances.',
  trigger: { kind: 'stream', eventTypes: [...eventTypeNames], batchSize: 100 },
  // The history index is written from the stream record's image; views and due dates fold the
  // aggregate's stream, read from events.
  resources: { tables: { events: 'read', views: 'readwrite', history: 'readwrite', deadlines: 'readwrite' } },
  timeoutSeconds: 60,
});
