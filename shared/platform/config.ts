import type { FunctionDeclaration } from './declarations.js';
import { AUTH_ENV, bucketEnv, ENV, secretEnv, tableEnv } from './env.js';
import type { TableName } from './tables.js';

/**
 * A function's configuration, read from its environment once at cold start and typed from its
 * declaration (functions/<name>/function.ts): `tables` has exactly the tables it declares,
 * `buckets` the buckets its object grants name, `secretArns` its secrets, `mail` is there when it
 * sends mail (with the retry queue's URL when it may put mails there). A composition root asks for
 * the parts it needs by type, so a root using a table its declaration lacks does not compile, and
 * the stack (which sets the variables from the same declaration) cannot leave one out unnoticed.
 *
 * Variable names are those of ./env.ts (this module imports no SDK client and no zod: every bundle loads it); a missing one fails the cold start with a
 * message naming every missing variable.
 */

type ResourcesOf<D extends FunctionDeclaration> = D['resources'];
type DeclaredTables<D extends FunctionDeclaration> = keyof NonNullable<ResourcesOf<D>['tables']> & TableName;
type DeclaredBuckets<D extends FunctionDeclaration> = NonNullable<ResourcesOf<D>['objects']>[number]['bucket'];
type DeclaredSecrets<D extends FunctionDeclaration> = NonNullable<ResourcesOf<D>['secrets']>[number];

/** The emulators' endpoints: set offline and in integration tests, unset in AWS. */
export interface Endpoints {
  readonly dynamodb?: string | undefined;
  readonly s3?: string | undefined;
  readonly ses?: string | undefined;
  readonly sqs?: string | undefined;
  readonly secretsManager?: string | undefined;
}

export interface MailConfig {
  /** The sender's address (`MAIL_FROM_ADDRESS`). */
  readonly from: string;
  /** SES configuration set (`SES_CONFIGURATION_SET`), for bounces and complaints; absent offline. */
  readonly configurationSet?: string | undefined;
}

/** How an HTTP function verifies a token, set by the stack from the user pool (offline: the local identity provider). */
export interface AuthConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  /** In AWS only: the Cognito hosted UI, where the pages send people to sign in. */
  readonly hostedUiUrl?: string | undefined;
}

export interface FunctionConfig<D extends FunctionDeclaration> {
  readonly stage: string;
  /** The public address of the pages, for links in mails and the sign-in callback. */
  readonly appUrl: string;
  readonly endpoints: Endpoints;
  readonly tables: Readonly<Record<DeclaredTables<D>, string>>;
  readonly buckets: Readonly<Record<DeclaredBuckets<D>, string>>;
  /** Each declared secret's ARN (never its value: ./secrets.ts reads that from Secrets Manager). */
  readonly secretArns: Readonly<Record<DeclaredSecrets<D>, string>>;
  readonly mail: ResourcesOf<D>['sendMail'] extends true ? MailConfig : undefined;
  /**
   * The retry queue's URL (`MAIL_DLQ_URL`) for a function declared `mailRetryQueue: 'send'`. Always
   * set by the stack; offline only when the retry function runs (else the outbox's dead status is the
   * dead letter).
   */
  readonly mailRetryQueueUrl: ResourcesOf<D>['mailRetryQueue'] extends 'send' ? string | undefined : undefined;
  /** For a function with HTTP routes. */
  readonly auth: D['trigger'] extends { readonly kind: 'http' } ? AuthConfig : undefined;
  /** The whole environment, for the readers that validate their own part (directory, retention). */
  readonly env: NodeJS.ProcessEnv;
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** Reads the configuration `declaration` implies from `source` (the function's environment). */
export const configOf = <const D extends FunctionDeclaration>(declaration: D, source: NodeJS.ProcessEnv = process.env): FunctionConfig<D> => {
  const missing: string[] = [];
  const required = (variable: string): string => {
    const value = source[variable];
    if (!value) missing.push(variable);
    return value ?? '';
  };
  const optional = (variable: string): string | undefined => source[variable] || undefined;
  const { resources } = declaration;
  const stage = required(ENV.STAGE);
  const appUrl = required(ENV.APP_URL);
  const tables = Object.fromEntries(Object.keys(resources.tables ?? {}).map((table) => [table, required(tableEnv[table as TableName])]));
  const buckets = Object.fromEntries([...new Set((resources.objects ?? []).map((grant) => grant.bucket))].map((bucket) => [bucket, required(bucketEnv[bucket])]));
  const secretArns = Object.fromEntries((resources.secrets ?? []).map((secret) => [secret, required(secretEnv[secret])]));
  const mail = resources.sendMail ? { from: required(ENV.MAIL_FROM), configurationSet: optional(ENV.SES_CONFIGURATION_SET) } : undefined;
  const mailRetryQueueUrl = resources.mailRetryQueue === 'send' ? optional(ENV.MAIL_DLQ_URL) : undefined;
  const auth =
    declaration.trigger.kind === 'http'
      ? { issuer: required(AUTH_ENV.ISSUER), audience: required(AUTH_ENV.AUDIENCE), jwksUrl: required(AUTH_ENV.JWKS_URL), hostedUiUrl: optional(AUTH_ENV.HOSTED_UI_URL) }
      : undefined;
  const config = {
    stage,
    appUrl,
    endpoints: {
      dynamodb: optional(ENV.DYNAMODB_ENDPOINT),
      s3: optional(ENV.S3_ENDPOINT),
      ses: optional(ENV.SES_ENDPOINT),
      sqs: optional(ENV.SQS_ENDPOINT),
      secretsManager: optional(ENV.SECRETS_MANAGER_ENDPOINT),
    },
    tables,
    buckets,
    secretArns,
    mail,
    mailRetryQueueUrl,
    auth,
    env: source,
  };
  if (missing.length > 0) throw new ConfigurationError(`Missing or invalid environment variables: ${missing.join(', ')} (function ${declaration.name})`);
  return config as unknown as FunctionConfig<D>;
};
