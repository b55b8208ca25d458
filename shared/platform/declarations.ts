import type { EventType } from '../../events/index.js';
import type { SecretName } from './env.js';
import type { TableName } from './tables.js';

/**
 * A function's declaration: what triggers it and what it may touch. The CDK app builds the Lambda,
 * its trigger and its grants from it; the offline runtime binds the same handler to the emulators
 * from it. Declared once, so a function cannot exist in one place and be missing from the other.
 */
/**
 * How a function may use a table: `read`; `append`, reads and `PutItem` only (the event store:
 * a commit is put once and never updated nor deleted, so no role may UpdateItem, DeleteItem or
 * BatchWriteItem one); `readwrite`, any item write (not allowed on the event store).
 */
export type Access = 'read' | 'append' | 'readwrite';

export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path, with `{param}` placeholders. */
  readonly path: string;
  /** Public routes (sign-in page, static assets) skip the JWT authorizer. */
  readonly public?: boolean;
  /** What the route is for, in French, for docs/openapi.json (the API's routes take their operation's). */
  readonly summary?: string;
  /** A GET that answers by a redirect (302) to what it serves, or a French page when that is gone (410), instead of a page (200). */
  readonly redirects?: boolean;
}

type Trigger =
  | { readonly kind: 'http'; readonly routes: readonly HttpRoute[] }
  | {
      readonly kind: 'stream';
      /** The event types it reacts to: becomes the stream's filter criteria. */
      readonly eventTypes: readonly EventType[];
      readonly batchSize?: number;
    }
  | {
      readonly kind: 'schedule';
      /** EventBridge Scheduler cron expression, e.g. `cron(0 7 * * ? *)`. */
      readonly cron: string;
      readonly timezone: 'Europe/Paris';
    }
  | {
      readonly kind: 's3';
      /** The bucket whose `ObjectCreated` notifications invoke it: the upload area, never the locked vault. */
      readonly bucket: BucketName;
      readonly prefix: string;
    }
  | { readonly kind: 'queue'; readonly queue: 'mailRetry' };

/**
 * The two S3 buckets. `uploads`: where the browser PUTs a signed PV and where rejected files wait in
 * quarantine; no Object Lock, short lifecycle expiry. `vault`: versioned, Object Lock; only the PV
 * intake writes accepted PVs there, and the digest function its daily digests.
 */
export type BucketName = 'uploads' | 'vault';

/**
 * What a function does with the objects under one prefix. Each maps to IAM actions (the stack
 * lists them in infra/constructs/projectFunction.ts): `read` GetObject (and HEAD), `write`
 * PutObject, `delete` DeleteObject, `list` ListBucket restricted to the prefix, which is also
 * what makes S3 answer 404 rather than 403 for a missing key.
 */
export type ObjectAction = 'read' | 'write' | 'delete' | 'list';

export interface ObjectGrant {
  readonly bucket: BucketName;
  /** Key prefix, ending with `/`: the grant covers `<prefix>*` only. */
  readonly prefix: string;
  readonly actions: readonly ObjectAction[];
}

interface Resources {
  readonly tables?: Partial<Record<TableName, Access>>;
  /**
   * S3 access, per bucket, prefix and action: the stack grants exactly these, and sets
   * `UPLOAD_BUCKET_NAME` / `PV_BUCKET_NAME` for the buckets named.
   */
  readonly objects?: readonly ObjectGrant[];
  /**
   * Secrets it reads (shared/platform/secrets.ts): the stack sets each one's ARN, never its value,
   * and allows reading that secret alone.
   */
  readonly secrets?: readonly SecretName[];
  /** Addresses mail to units: gets the deployment's directory of units (`--context directoryFile`), when one is given. */
  readonly unitDirectory?: boolean;
  /** Reads the retention periods (`RETENTION_*` variables), set by the stack from the stage's settings. */
  readonly retentionSettings?: boolean;
  /** Sends mail through the project's SES identity and configuration set (`MAIL_FROM_ADDRESS`, `SES_CONFIGURATION_SET`). */
  readonly sendMail?: boolean;
  /**
   * Puts a mail SES keeps refusing on the retry queue (with `sendMail`): gets `sqs:SendMessage` on it
   * and `MAIL_DLQ_URL`. Not the retry function, which consumes the queue and never writes to it.
   */
  readonly mailRetryQueue?: 'send';
}

/**
 * An EventBridge rule on the default bus invoking the function besides its main trigger.
 * `sesFeedback`: the bounces and complaints SES publishes for the project's configuration set.
 */
interface EventRule {
  readonly kind: 'eventBridge';
  readonly rule: 'sesFeedback';
}

export interface FunctionDeclaration {
  /** camelCase name, equal to the folder name under functions/. */
  readonly name: string;
  /** Path of the handler module, from the repository root. */
  readonly entry: string;
  readonly trigger: Trigger;
  /** EventBridge rules that invoke it too (the stack builds each rule, its target and dead letters). */
  readonly eventRules?: readonly EventRule[];
  readonly resources: Resources;
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
  readonly description: string;
}

/**
 * Declares a function, keeping its literal type: `configOf(declaration)` (./config.ts) is then typed
 * with exactly the tables, buckets, secrets and mail it declares.
 */
export const defineFunction = <const D extends FunctionDeclaration>(declaration: D): D => declaration;
