import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ObjectLockMode } from 'aws-cdk-lib/aws-s3';
import * as z from 'zod';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDirectory, type DirectoryData } from '../shared/directory/directory.js';
import { readRetentionSettings, type RetentionSettings } from '../shared/retention/purge.js';

/**
 * Everything that differs between stages, decided in one place. The stack reads only this object,
 * never the CDK context directly, so a test can build either stage from plain values.
 */
const stages = ['dev', 'prod'] as const;
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
   * functions declared with `retentionSettings` (the purge); `quarantineDays` and `catchUpDays` also
   * set the upload bucket's expiry of quarantined files (a backstop behind the purge).
   * `pvDays` is `pvPurgeAfter`.
   */
  readonly retention: RetentionSettings;
  /** Age after which PV objects move to Glacier Instant Retrieval (rarely read, kept for years). */
  readonly pvColdStorageAfter: Duration;
  readonly logRetention: RetentionDays;
  /** SES sender identity: a domain verified in SES (DKIM records published) before the first deploy. */
  readonly mailDomain: string;
  readonly mailFrom: string;
  /**
   * The API's custom domain (`--context domainName=… --context certificateArn=…`, both or neither):
   * the pages, the Cognito callback and the links in mails use it. Without it they use the API's
   * own `execute-api` URL, so sign-in always lands on something that answers.
   */
  readonly customDomain: { readonly domainName: string; readonly certificateArn: string } | undefined;
  /**
   * Prefix of the Cognito hosted domain (`<prefix>.auth.<region>.amazoncognito.com`,
   * `--context cognitoDomainPrefix=…`): it must be free among all AWS customers of the region.
   */
  readonly cognitoDomainPrefix: string;
  /**
   * The directory of units of this deployment (`--context directoryFile=…`, a JSON
   * `{ "units": [...] }`), validated at synth and shipped with the functions that address units;
   * without it they use the directory compiled in (shared/directory).
   */
  readonly directory: { readonly file: string; readonly data: DirectoryData } | undefined;
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
  mailDomain: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'mailDomain must be a domain name')
    .optional(),
  domainName: z
    .string()
    .regex(/^(?!-)[a-z0-9-]{1,63}(\.(?!-)[a-z0-9-]{1,63})+$/, 'domainName must be a lower-case host name, such as sessions.example.fr')
    .optional(),
  certificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, 'certificateArn must be the ARN of an ACM certificate, in the region of the stack')
    .optional(),
  // Cognito refuses prefixes holding "aws", "amazon" or "cognito".
  cognitoDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'cognitoDomainPrefix must be lower-case letters, digits and hyphens (63 at most)')
    .refine((prefix) => !/aws|amazon|cognito/.test(prefix), 'cognitoDomainPrefix must not contain aws, amazon or cognito')
    .optional(),
  directoryFile: z.string().min(1).optional(),
  operatorsEmail: z.email('operatorsEmail must be an e-mail address').optional(),
  pvRetentionDays: z.coerce.number().int().min(1).max(36_500).optional(),
  quarantineRetentionDays: z.coerce.number().int().min(1).max(36_500).optional(),
});

/** Reads a CDK context value the way the CLI passes it (strings) or a test passes it (any). */
export type ContextReader = (key: string) => unknown;

/**
 * Validates the context (`--context stage=dev|prod`, optional `mailDomain`, `domainName` with
 * `certificateArn`, `cognitoDomainPrefix`, `directoryFile`, `operatorsEmail`, `pvRetentionDays`,
 * `quarantineRetentionDays`) and derives the stage's settings. Fails with a message that names the
 * offending key instead of deploying a half-configured stack.
 */
export const settingsFromContext = (read: ContextReader): StageSettings => {
  const keys = [
    'stage',
    'mailDomain',
    'domainName',
    'certificateArn',
    'cognitoDomainPrefix',
    'directoryFile',
    'operatorsEmail',
    'pvRetentionDays',
    'quarantineRetentionDays',
  ] as const;
  // An address given this way was served by nothing the stack built: say what replaced it.
  if (read('appUrl') !== undefined) {
    throw new StageContextError("Invalid CDK context: appUrl is no longer read: give domainName and certificateArn (or nothing, for the API's own URL)");
  }
  const raw = Object.fromEntries(keys.map((key) => [key, read(key)]).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    throw new StageContextError(`Invalid CDK context: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const { stage, domainName, certificateArn } = parsed.data;
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new StageContextError('Invalid CDK context: domainName and certificateArn go together (the certificate must cover the domain)');
  }
  const prod = stage === 'prod';
  const mailDomain = parsed.data.mailDomain ?? (prod ? 'tp-sessions.example.org' : 'dev.tp-sessions.example.org');
  const pvPurgeAfter = Duration.days(Math.max(parsed.data.pvRetentionDays ?? (prod ? 1825 : 1), prod ? 1825 : 30));
  // Checked by the functions' own schema here, so a value they would refuse at cold start fails the synth instead.
  const { settings: retention, invalid } = readRetentionSettings({
    personalDataDays: 730,
    pvDays: pvPurgeAfter.toDays(),
    // A rejected upload is kept long enough for the centre and the UD to look at it; dev's are test files.
    quarantineDays: parsed.data.quarantineRetentionDays ?? (prod ? 30 : 7),
    catchUpDays: 31,
  });
  if (invalid.length > 0) throw new StageContextError(`Invalid retention settings (whole days, at least 1): ${invalid.join(', ')}`);
  return {
    stage,
    removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    deletionProtection: prod,
    pvObjectLockMode: prod ? ObjectLockMode.COMPLIANCE : ObjectLockMode.GOVERNANCE,
    // No legal period was found; a FAQ suggests five years (DOMAIN.md). One day in dev so test
    // objects can be removed.
    pvRetention: Duration.days(parsed.data.pvRetentionDays ?? (prod ? 1825 : 1)),
    pvPurgeAfter,
    retention,
    pvColdStorageAfter: Duration.days(90),
    logRetention: prod ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    mailDomain,
    mailFrom: `ne-pas-repondre@${mailDomain}`,
    customDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
    cognitoDomainPrefix: parsed.data.cognitoDomainPrefix ?? `tp-sessions-${stage}`,
    directory: parsed.data.directoryFile === undefined ? undefined : readDirectoryFile(parsed.data.directoryFile),
    apiThrottle: prod ? { rateLimit: 200, burstLimit: 400 } : { rateLimit: 20, burstLimit: 40 },
    streamRetryAttempts: 5,
    scheduleRetryAttempts: 3,
    operatorsEmail: parsed.data.operatorsEmail,
  };
};

/** Reads and validates the directory file named by the context, naming the file and the faulty path. */
const readDirectoryFile = (file: string): { file: string; data: DirectoryData } => {
  const absolute = path.resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new StageContextError(`Invalid CDK context: directoryFile: ${absolute} cannot be read as JSON (${(error as Error).message})`);
  }
  let data: DirectoryData;
  try {
    data = parseDirectory(raw);
  } catch (error) {
    throw new StageContextError(`Invalid CDK context: directoryFile: ${absolute}: ${(error as Error).message}`);
  }
  const keys = data.units.map((unit) => `${unit.kind}#${unit.code}`);
  const twice = keys.filter((key, i) => keys.indexOf(key) !== i);
  if (twice.length > 0) throw new StageContextError(`Invalid CDK context: directoryFile: ${absolute}: units listed twice: ${twice.join(', ')}`);
  return { file: absolute, data };
};

/** Physical name of a stage's resource: `<stage>-tp-<name>`, as provision.ts names tables. */
export const resourceName = (settings: Pick<StageSettings, 'stage'>, name: string): string => `${settings.stage}-tp-${name}`;
