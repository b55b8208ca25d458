import { defineFunction } from '../../shared/platform/declarations.js';

/**
 * Every 15 minutes: sends the mails left `sending` by a sender that died after claiming them (the
 * outbox lease is 5 minutes, so a mail waits at most about 20 minutes). The outbox, the suppression
 * list (personal data, read) and SES, like mailRetry, and unlike it the retry queue: a mail SES
 * refuses again goes there, as on its first attempt.
 */
export const mailSweep = defineFunction({
  name: 'mailSweep',
  entry: 'functions/mailSweep/handler.ts',
  description:
    'Toutes les 15 minutes : renvoie les courriels restés « en cours d’envoi » après l’arrêt de leur expéditeur ; la réservation dans la boîte d’envoi empêche tout doublon.',
  trigger: { kind: 'schedule', cron: 'cron(0/15 * * * ? *)', timezone: 'Europe/Paris' },
  resources: { tables: { outbox: 'readwrite', personalData: 'read' }, sendMail: true, mailRetryQueue: 'send' },
  timeoutSeconds: 300,
});
