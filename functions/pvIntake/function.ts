import { defineFunction } from '../../shared/platform/declarations.js';
import { PV_PREFIX, QUARANTINE_PREFIX } from '../../shared/vault/keys.js';

/**
 * Checks each signed PV uploaded to the upload area; copies an accepted one into the vault and
 * records it, moves a rejected one to the upload area's quarantine. A redelivered notification
 * may find the upload gone: `list` makes S3 answer 404, not 403.
 */
export const pvIntake = defineFunction({
  name: 'pvIntake',
  entry: 'functions/pvIntake/handler.ts',
  description: 'Contrôle chaque procès-verbal déposé (PDF, taille, empreinte SHA-256, session en attente) puis l’enregistre ou le met en quarantaine.',
  trigger: { kind: 's3', bucket: 'uploads', prefix: PV_PREFIX },
  resources: {
    tables: { events: 'append' },
    objects: [
      { bucket: 'uploads', prefix: PV_PREFIX, actions: ['read', 'delete', 'list'] },
      { bucket: 'uploads', prefix: QUARANTINE_PREFIX, actions: ['write'] },
      // read and list: the HEAD that finds a version an interrupted intake wrote (404 when none, not 403).
      { bucket: 'vault', prefix: PV_PREFIX, actions: ['write', 'read', 'list'] },
    ],
  },
  timeoutSeconds: 60,
  memoryMb: 512,
});
