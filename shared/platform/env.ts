import * as z from 'zod';
import type { TableName } from './tables.js';

/**
 * Environment variable names, shared by the CDK stack (which sets them when it grants access) and
 * the functions (which read them once, at cold start).
 */
export const tableEnv: Readonly<Record<TableName, string>> = {
  events: 'EVENTS_TABLE_NAME',
  history: 'HISTORY_TABLE_NAME',
  views: 'VIEWS_TABLE_NAME',
  outbox: 'OUTBOX_TABLE_NAME',
  deadlines: 'DEADLINES_TABLE_NAME',
  personalData: 'PERSONAL_DATA_TABLE_NAME',
};

export const ENV = {
  STAGE: 'STAGE',
  PV_BUCKET: 'PV_BUCKET_NAME',
  UPLOAD_BUCKET: 'UPLOAD_BUCKET_NAME',
  MAIL_FROM: 'MAIL_FROM_ADDRESS',
  SES_CONFIGURATION_SET: 'SES_CONFIGURATION_SET',
  MAIL_DLQ_URL: 'MAIL_DLQ_URL',
  APP_URL: 'APP_URL',
  /** Offline only: endpoints of the emulators. Unset in AWS. */
  DYNAMODB_ENDPOINT: 'DYNAMODB_ENDPOINT',
  S3_ENDPOINT: 'S3_ENDPOINT',
  SES_ENDPOINT: 'SES_ENDPOINT',
  SQS_ENDPOINT: 'SQS_ENDPOINT',
} as const;

/** The variable naming each bucket, set on the functions granted something in it. */
export const bucketEnv = { vault: ENV.PV_BUCKET, uploads: ENV.UPLOAD_BUCKET } as const;

class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/**
 * Reads and validates the environment once. A missing or malformed variable fails the cold start
 * with a message naming it, instead of surfacing later as `undefined`.
 */
export const readEnv = <TShape extends z.ZodRawShape>(shape: TShape, source: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<TShape>> => {
  const result = z.object(shape).safeParse(source);
  if (!result.success) {
    const names = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new ConfigurationError(`Missing or invalid environment variables: ${names}`);
  }
  return result.data;
};
