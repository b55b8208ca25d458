import { defineFunction } from '../../shared/platform/declarations.js';

/**
 * SES bounces and complaints (its EventBridge rule, built by infra/parts/mail.ts) mark the address,
 * so no further mail goes to it; a regional admin clears a mark once the address is fixed.
 */
export const mailFeedback = defineFunction({
  name: 'mailFeedback',
  entry: 'functions/mailFeedback/handler.ts',
  description: 'Marque les adresses en rebond permanent ou en plainte (SES) ; levée d’une marque par l’administrateur régional.',
  trigger: { kind: 'http', routes: [{ method: 'DELETE', path: '/api/adresses-bloquees/{address}' }] },
  eventRules: [{ kind: 'eventBridge', rule: 'sesFeedback' }],
  resources: { tables: { personalData: 'readwrite' } },
  timeoutSeconds: 30,
});
