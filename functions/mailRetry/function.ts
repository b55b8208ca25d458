import { defineFunction } from '../../shared/platform/declarations.js';

/** Sends again the mails SES refused (messages of the mail dead-letter queue, redriven here). */
export const mailRetry = defineFunction({
  name: 'mailRetry',
  entry: 'functions/mailRetry/handler.ts',
  description: 'Renvoie les courriels en échec (file de reprise) ; l’identifiant du courriel empêche tout doublon.',
  trigger: { kind: 'queue', queue: 'mailRetry' },
  resources: { tables: { outbox: 'readwrite', personalData: 'read' }, sendMail: true },
  timeoutSeconds: 120,
});
