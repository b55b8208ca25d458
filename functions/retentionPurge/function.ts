import { defineFunction } from '../../shared/platform/declarations.js';
import { PV_PREFIX, QUARANTINE_PREFIX } from '../../shared/vault/keys.js';

/** Daily at 04:00 Paris: erases personal data and deletes PV and quarantined files past their retention period. */
export const retentionPurge = defineFunction({
  name: 'retentionPurge',
  entry: 'functions/retentionPurge/handler.ts',
  description: 'Purge quotidienne : efface les données personnelles, les procès-verbaux et les fichiers en quarantaine dont la durée de conservation est écoulée.',
  trigger: { kind: 'schedule', cron: 'cron(0 4 * * ? *)', timezone: 'Europe/Paris' },
  resources: {
    tables: { history: 'read', personalData: 'readwrite' },
    objects: [
      { bucket: 'vault', prefix: PV_PREFIX, actions: ['delete'] },
      // A quarantined file may be gone already (a rerun): read and list tell absent from forbidden.
      { bucket: 'uploads', prefix: QUARANTINE_PREFIX, actions: ['read', 'delete', 'list'] },
    ],
    retentionSettings: true,
  },
  timeoutSeconds: 900,
  memoryMb: 512,
});
