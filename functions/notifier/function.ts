import { defineFunction } from '../../shared/platform/declarations.js';
import { notifiedEventTypes } from '../../shared/mail/notifier.js';

/** Mails on events (programme received, late creation, convocations, PV steps, sanction) through the outbox. */
export const notifier = defineFunction({
  name: 'notifier',
  entry: 'functions/notifier/handler.ts',
  description: 'Envoie les courriels déclenchés par les événements (via la boîte d’envoi, sans doublon).',
  trigger: { kind: 'stream', eventTypes: [...notifiedEventTypes], batchSize: 25 },
  // A session's details are folded from its stream (events), not read from the views.
  resources: { tables: { events: 'read', outbox: 'readwrite', personalData: 'read' }, sendMail: true, mailRetryQueue: 'send', unitDirectory: true },
  timeoutSeconds: 120,
});
