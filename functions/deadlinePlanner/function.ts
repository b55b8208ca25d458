import { eventDefinitions } from '../../events/index.js';
import { defineFunction } from '../../shared/platform/declarations.js';

/** Keeps the due-date index equal to the open deadlines of sessions and programmes. */
export const deadlinePlanner = defineFunction({
  name: 'deadlinePlanner',
  entry: 'functions/deadlinePlanner/handler.ts',
  description: 'Tient à jour l’index des échéances (rappels et alertes) à partir des événements des sessions et des programmes.',
  trigger: { kind: 'stream', eventTypes: eventDefinitions.filter((d) => d.stream !== 'juror').map((d) => d.type), batchSize: 100 },
  resources: { tables: { events: 'read', deadlines: 'readwrite', views: 'readwrite' } },
  timeoutSeconds: 60,
});
