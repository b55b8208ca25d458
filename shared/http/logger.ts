import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs for the HTTP functions. Log lines carry codes, routes, statuses and the
 * correlation id, never a body, a name or a token: personal data stays out of the logs.
 */
export const httpLogger = new Logger({ serviceName: 'tp-sessions-http', logLevel: process.env.VITEST ? 'SILENT' : 'INFO' });
