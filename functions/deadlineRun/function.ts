import { defineFunction } from '../../shared/platform/declarations.js';

/** Every morning in Paris: reminders before due dates, alerts after them, read from the due-date index only. */
export const deadlineRun = defineFunction({
  name: 'deadlineRun',
  entry: 'functions/deadlineRun/handler.ts',
  description: 'Chaque matin (heure de Paris), envoie les rappels et les alertes d’échéance du jour.',
  trigger: { kind: 'schedule', cron: 'cron(0 7 * * ? *)', timezone: 'Europe/Paris' },
  resources: { tables: { deadlines: 'readwrite', views: 'read', outbox: 'readwrite', personalData: 'read' }, sendMail: true, mailRetryQueue: 'send', unitDirectory: true },
  timeoutSeconds: 900,
  memoryMb: 512,
});
