import { defineFunction } from '../../shared/platform/declarations.js';

/** Daily at 04:00 Paris: erases personal data and deletes PV and quarantined files past their retention period. */
export const retentionPurge = defineFunction({
  name: 'retentionPurge',
  entry: 'functions/retentionPurge/handler.ts',
  description: 'Purge quotidienne : efface les données personnelles, les procès-verbaux et les fichiers en quarantaine dont la durée de conservation est écoulée.',
  trigger: { kind: 'schedule', cron: 'cron(0 4 * * ? *)', timezone: 'Europe/Paris' },
  resources: { tables: { history: 'read', personalData: 'readwrite' }, pvBucket: 'readwrite', retentionSettings: true },
  timeoutSeconds: 900,
  memoryMb: 512,
});
