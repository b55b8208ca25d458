import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ObjectLockMode } from 'aws-cdk-lib/aws-s3';
import * as z from 'zod';
import { retentionSettingsSchema, type RetentionSettings } from '../shared/retention/purge.js';

/**
 * Everything that differs between stages, decided in one place. The stack reads only this object,
 * never the CDK context directly, so a test can build either stage from plain values.
 */
export const stages = ['dev', 'prod'] as const;
export type Stage = (typeof stages)[number];

export interface StageSettings {
  readonly stage: Stage;
  /** Tables, bucket, keys and user pool: prod keeps them when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  /** Object Lock default retention of signed PVs. COMPLIANCE in prod: nobody can shorten it. */
  readonly pvObjectLockMode: ObjectLockMode;
  readonly pvRetention: Duration;
  /**
   * When the retention purge deletes a PV (RETENTION_PV_DAYS of shared/retention): never before
   * its Object Lock retention ends.
   */
  readonly pvPurgeAfter: Duration;
  /**
   * The retention purge's periods (the `RETENTION_*` variables of shared/retention), set on the
   * functions declared with `retentionSettings` (the purge); `quarantineDays` also on those declared
   * with `pvQuarantine` (the PV intake), whose quarantine copies are locked that long and no longer.
   * `pvDays` is `pvPurgeAfter`.
   */
  readonly retention: RetentionSettings;
  /** Age after which PV objects move to Glacier Instant Retrieval (rarely read, kept for years). */
  readonly pvColdStorageAfter: Duration;
  readonly logRetention: RetentionDays;
  /** SES sender identity: a domain verified in SES (DKIM records published) before the first deploy. */
  readonly mailDomain: string;
  readonly mailFrom: string;
  /** Public URL of the web pages, put in mails and in the Cognito callback URLs. */
  readonly appUrl: string;
  /** Prefix of the Cognito hosted domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly cognitoDomainPrefix: string;
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Retries of a failed stream batch before it goes to the dead-letter queue. */
  readonly streamRetryAttempts: number;
  readonly scheduleRetryAttempts: number;
  /** Optional e-mail subscribed to the operators' alarm topic. */
  readonly operatorsEmail: string | undefined;
}

export class StageContextError extends Error {
  override readonly name = 'StageContextError';
}

const contextSchema = z.object({
  stage: z.enum(stages, { error: () => `--context stage must be one of ${stages.join(', ')}` }),
  mailDomain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'mailDomain must be a domain name').optional(),
  appUrl: z.url({ protocol: /^https$/, error: 'appUrl must be an https URL' }).optional(),
  operatorsEmail: z.email('operatorsEmail must be an e-mail address').optional(),
  pvRetentionDays: z.coerce.number().int().min(1).max(36_500).optional(),
  quarantineRetentionDays: z.coerce.number().int().min(1).max(36_500).optional(),
});

/** Reads a CDK context value the way the CLI passes it (strings) or a test passes it (any). */
export type ContextReader = (key: string) => unknown;

/**
 * Validates the context (`--context stage=dev|prod`, optional `mailDomain`, `appUrl`,
 * `operatorsEmail`, `pvRetentionDays`, `quarantineRetentionDays`) and derives the stage's settings.
 * Fails with a message that names the offending key instead of deploying a half-configured stack.
 */
export const settingsFromContext = (read: ContextReader): StageSettings => {
  const keys = ['stage', 'mailDomain', 'appUrl', 'operatorsEmail', 'pvRetentionDays', 'quarantineRetentionDays'] as const;
  const raw = Object.fromEntries(keys.map((key) => [key, read(key)]).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    throw new StageContextError(`Invalid CDK context: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const { stage } = parsed.data;
  const prod = stage === 'prod';
  const mailDomain = parsed.data.mailDomain ?? (prod ? 'tp-sessions.example.org' : 'dev.tp-sessions.example.org');
  const pvPurgeAfter = Duration.days(Math.max(parsed.data.pvRetentionDays ?? (prod ? 1825 : 1), prod ? 1825 : 30));
  // Checked by the functions' own schema here, so a value they would refuse at cold start fails the synth instead.
  const retention = retentionSettingsSchema.safeParse({
    personalDataDays: 730,
    pvDays: pvPurgeAfter.toDays(),
    // A rejected upload is kept long enough for the centre and the UD to look at it; dev's are test files.
    quarantineDays: parsed.data.quarantineRetentionDays ?? (prod ? 30 : 7),
    catchUpDays: 31,
  });
  if (!retention.success) {
    throw new StageContextError(`Invalid retention settings: ${retention.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return {
    stage,
    removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    deletionProtection: prod,
    pvObjectLockMode: prod ? ObjectLockMode.COMPLIANCE : ObjectLockMode.GOVERNANCE,
    // No legal period was found; a FAQ suggests five years (DOMAIN.md). One day in dev so test
    // objects can be removed.
    pvRetention: Duration.days(parsed.data.pvRetentionDays ?? (prod ? 1825 : 1)),
    pvPurgeAfter,
    retention: retention.data,
    pvColdStorageAfter: Duration.days(90),
    logRetention: prod ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    mailDomain,
    mailFrom: `ne-pas-repondre@${mailDomain}`,
    appUrl: parsed.data.appUrl ?? `https://${prod ? 'app' : 'dev-app'}.${mailDomain.replace(/^dev\./, '')}`,
    cognitoDomainPrefix: `tp-sessions-${stage}`,
    apiThrottle: prod ? { rateLimit: 200, burstLimit: 400 } : { rateLimit: 20, burstLimit: 40 },
    streamRetryAttempts: 5,
    scheduleRetryAttempts: 3,
    operatorsEmail: parsed.data.operatorsEmail,
  };
};

/** Physical name of a stage's resource: `<stage>-tp-<name>`, as provision.ts names tables. */
export const resourceName = (settings: Pick<StageSettings, 'stage'>, name: string): string => `${settings.stage}-tp-${name}`;
