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
  /** Offline only: the Secrets Manager stand-in (infra/offline/secrets.ts). */
  SECRETS_MANAGER_ENDPOINT: 'SECRETS_MANAGER_ENDPOINT',
} as const;

/** The variable naming each bucket, set on the functions granted something in it. */
export const bucketEnv = { vault: ENV.PV_BUCKET, uploads: ENV.UPLOAD_BUCKET } as const;

/** The variable holding each secret's ARN (never its value), set by the stack on the functions that declare the secret. */
export const secretEnv = { cursor: 'CURSOR_SECRET_ARN' } as const;

/** The secrets a function may declare (`resources.secrets`): see ./secrets.ts. */
export type SecretName = keyof typeof secretEnv;

/**
 * Environment variables that tell a function how to verify a token: set by the CDK stack from the
 * user pool, and by the offline runtime from its local identity provider.
 */
export const AUTH_ENV = {
  ISSUER: 'AUTH_ISSUER',
  AUDIENCE: 'AUTH_AUDIENCE',
  JWKS_URL: 'AUTH_JWKS_URL',
  /** In AWS only: base URL of the Cognito hosted UI, where the pages send people to sign in. */
  HOSTED_UI_URL: 'AUTH_HOSTED_UI_URL',
} as const;
