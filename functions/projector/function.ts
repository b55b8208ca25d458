import { eventTypes } from '../../events/index.js';
import { defineFunction } from '../../shared/platform/declarations.js';

/** Keeps the read models (views table) from every commit of the event store. */
export const projector = defineFunction({
  name: 'projector',
  entry: 'functions/projector/handler.ts',
  description: 'Projette les événements dans les vues lues par les pages (sessions, jurés, programmes, PV à instruire).',
  trigger: { kind: 'stream', eventTypes: [...eventTypes], batchSize: 100 },
  resources: { tables: { events: 'read', views: 'readwrite' } },
  timeoutSeconds: 60,
});
