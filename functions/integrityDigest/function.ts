import { DIGEST_PREFIX } from '../../shared/integrity/digest.js';
import { defineFunction } from '../../shared/platform/declarations.js';

/**
 * Daily at 03:30 Paris (after midnight UTC in summer and winter alike): writes the digest of the
 * previous UTC day to `digests/` in the Object-Locked vault, after those of the days a failed run
 * missed (up to 31, found by listing `digests/`). It reads each day's and the day before's digests
 * first, which may be missing: `list` makes S3 answer 404, not 403.
 */
export const integrityDigest = defineFunction({
  name: 'integrityDigest',
  entry: 'functions/integrityDigest/handler.ts',
  description: 'Empreinte journalière du registre des événements : dernière empreinte de chaque flux modifié la veille, déposée sous verrou (Object Lock).',
  trigger: { kind: 'schedule', cron: 'cron(30 3 * * ? *)', timezone: 'Europe/Paris' },
  resources: { tables: { events: 'read', history: 'read' }, objects: [{ bucket: 'vault', prefix: DIGEST_PREFIX, actions: ['read', 'write', 'list'] }] },
  timeoutSeconds: 900,
  memoryMb: 512,
});
