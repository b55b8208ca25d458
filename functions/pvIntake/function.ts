import { defineFunction } from '../../shared/platform/declarations.js';
import { PV_PREFIX } from '../../shared/vault/vault.js';

/** Checks each signed PV uploaded to the vault, records it or quarantines it. */
export const pvIntake = defineFunction({
  name: 'pvIntake',
  entry: 'functions/pvIntake/handler.ts',
  description: 'Contrôle chaque procès-verbal déposé (PDF, taille, empreinte SHA-256, session en attente) puis l’enregistre ou le met en quarantaine.',
  trigger: { kind: 's3', prefix: PV_PREFIX },
  resources: { tables: { events: 'readwrite' }, pvBucket: 'readwrite', pvQuarantine: true },
  timeoutSeconds: 60,
  memoryMb: 512,
});
