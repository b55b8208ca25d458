import { Aws, Duration } from 'aws-cdk-lib';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { CfnPermission, FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { JWKS_PATH } from '../../shared/auth/verify.js';
import type { Access, BucketName, FunctionDeclaration, ObjectGrant } from '../../shared/platform/declarations.js';
import { AUTH_ENV, ENV } from '../../shared/platform/env.js';
import type { SecretName } from '../../shared/platform/env.js';
import { tables, type TableName } from '../../shared/platform/tables.js';
import { RETENTION_ENV } from '../../shared/retention/purge.js';
import { bucketSuffix } from '../buckets.js';
import { ProjectFunction, type MailBinding } from '../constructs/projectFunction.js';
import { resourceName, type StageSettings } from '../settings.js';
import { streamFilterPattern } from '../streamFilter.js';
import type { Operations } from './operations.js';
import { bucketName } from './vault.js';

/** The event store's table: append-only (reads and PutItem), whatever a declaration asks. */
const EVENT_STORE_TABLE: TableName = 'events';

/** What the functions are built against: the stage's resources, built before them. */
export interface FunctionContext {
  readonly settings: StageSettings;
  readonly projectRoot: string;
  readonly operations: Operations;
  readonly dataKey: Key;
  readonly tables: Readonly<Record<TableName, Table>>;
  readonly secrets: Readonly<Record<SecretName, Secret>>;
  readonly mail: MailBinding;
  readonly identity: { readonly userPool: UserPool; readonly webClient: UserPoolClient };
  readonly appUrl: string;
}

/**
 * One Lambda per declaration, under `scope`: its environment, exactly the grants its resources
 * declare (the event store append-only), its trigger (stream, schedule, queue; HTTP routes and S3
 * notifications are wired once every function exists) and its alarms.
 */
export const buildFunctions = (scope: Construct, context: FunctionContext, declarations: readonly FunctionDeclaration[]): ReadonlyMap<string, ProjectFunction> => {
  const built = new Map<string, ProjectFunction>();
  for (const declaration of declarations) {
    if (built.has(declaration.name)) throw new Error(`Function "${declaration.name}" is declared twice`);
    built.set(declaration.name, buildFunction(scope, context, declaration));
  }
  return built;
};

const buildFunction = (scope: Construct, context: FunctionContext, declaration: FunctionDeclaration): ProjectFunction => {
  const { settings, operations, mail } = context;
  const fn = new ProjectFunction(scope, declaration.name, {
    declaration,
    functionName: resourceName(settings, declaration.name),
    projectRoot: context.projectRoot,
    logRetention: settings.logRetention,
    namedLogGroup: settings.stage === 'prod',
    ...(declaration.resources.unitDirectory && settings.directory ? { directoryFile: settings.directory.file } : {}),
    removalPolicy: settings.removalPolicy,
    environment: { ...commonEnvironment(context, declaration), ...retentionEnvironment(settings, declaration) },
  });
  const { resources, trigger } = declaration;
  for (const [table, access] of Object.entries(resources.tables ?? {}) as [TableName, Access][]) {
    // The event store is append-only: a commit is put once, never updated nor deleted.
    if (table === EVENT_STORE_TABLE && access === 'readwrite')
      throw new Error(`${declaration.name}: the ${table} table is append-only: declare 'append' (reads and PutItem), not 'readwrite'`);
    const built = context.tables[table];
    fn.bindTable(table, { tableArn: built.tableArn, tableName: built.tableName, indexNames: tables[table].globalIndexes.map((i) => i.name), key: context.dataKey }, access);
  }
  for (const bucket of ['uploads', 'vault'] as const) {
    const grants = (resources.objects ?? []).filter((grant: ObjectGrant) => grant.bucket === bucket);
    if (grants.length === 0) continue;
    // Named, not referenced: see bucketName().
    fn.bindObjects(
      bucket,
      {
        bucketArn: `arn:${Aws.PARTITION}:s3:::${bucketName(settings, bucket)}`,
        bucketName: bucketName(settings, bucket),
        key: context.dataKey,
        versioned: bucket === 'vault',
        nagBucketArn: `arn:<AWS::Partition>:s3:::${resourceName(settings, bucketSuffix[bucket])}-<AWS::AccountId>-<AWS::Region>`,
      },
      grants,
    );
  }
  if (resources.sendMail) fn.bindMail(mail);
  for (const secret of resources.secrets ?? []) fn.bindSecret(secret, { secretArn: context.secrets[secret].secretArn, key: context.dataKey });
  if (resources.mailRetryQueue === 'send') {
    // A mail put on the queue is sent again by mailRetry through SES: enqueuing without sending makes no sense.
    if (!resources.sendMail) throw new Error(`${declaration.name}: mailRetryQueue: 'send' needs sendMail: true`);
    fn.bindMailRetryQueue(mail.retryQueue);
  }

  switch (trigger.kind) {
    case 'http':
      break; // wired once all functions exist, to detect two functions claiming one route
    case 'stream': {
      const dlq = operations.deadLetterQueue(fn, 'StreamDlq', `${declaration.name}-stream-dlq`);
      fn.function.addEventSource(
        new DynamoEventSource(context.tables.events, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: trigger.batchSize ?? 10,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          retryAttempts: settings.streamRetryAttempts,
          maxRecordAge: Duration.days(1),
          onFailure: new SqsDlq(dlq),
          filters: [FilterCriteria.filter(streamFilterPattern(trigger.eventTypes))],
        }),
      );
      // Records leave the stream after 24 h: a consumer a quarter of an hour behind is stuck or
      // too slow, well before anything is lost.
      operations.alarm(
        fn,
        'IteratorAge',
        fn.function.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
        `${declaration.name} reads the events stream more than 15 minutes behind`,
        Duration.minutes(15).toMilliseconds(),
      );
      break;
    }
    case 'schedule': {
      const dlq = operations.deadLetterQueue(fn, 'ScheduleDlq', `${declaration.name}-schedule-dlq`);
      asyncFailuresTo(operations, fn, declaration.name);
      // L1 rather than the Scheduler L2 target, whose role may invoke every version (`fn:*`).
      const role = new Role(fn, 'SchedulerRole', {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
        description: `Lets EventBridge Scheduler run ${declaration.name} and park failed runs.`,
      });
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.function.functionArn] }));
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [dlq.queueArn] }));
      new CfnSchedule(fn, 'Schedule', {
        name: resourceName(settings, declaration.name),
        description: `Runs ${declaration.name}: ${trigger.cron} (${trigger.timezone}).`,
        scheduleExpression: trigger.cron,
        scheduleExpressionTimezone: trigger.timezone,
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: {
          arn: fn.function.functionArn,
          roleArn: role.roleArn,
          retryPolicy: { maximumRetryAttempts: settings.scheduleRetryAttempts, maximumEventAgeInSeconds: 2 * 3600 },
          deadLetterConfig: { arn: dlq.queueArn },
        },
      });
      break;
    }
    case 's3':
      asyncFailuresTo(operations, fn, declaration.name);
      break; // wired on the bucket once all functions exist
    case 'queue':
      fn.function.addEventSource(new SqsEventSource(mail.retryQueue, { batchSize: 10, reportBatchItemFailures: true }));
      break;
  }
  operations.alarm(fn, 'Errors', fn.function.metricErrors({ period: Duration.minutes(5) }), `Errors of ${declaration.name}`);
  operations.alarm(fn, 'Throttles', fn.function.metricThrottles({ period: Duration.minutes(5) }), `Throttles of ${declaration.name}`);
  return fn;
};

/**
 * Configuration every function reads besides its bound resources: the stage, the app URL and,
 * for HTTP functions, how to verify a Cognito token. No secret: see bindSecret.
 */
const commonEnvironment = ({ settings, identity, appUrl }: FunctionContext, declaration: FunctionDeclaration): Record<string, string> => {
  const issuer = `https://cognito-idp.${Aws.REGION}.amazonaws.com/${identity.userPool.userPoolId}`;
  return {
    [ENV.STAGE]: settings.stage,
    [ENV.APP_URL]: appUrl,
    ...(declaration.trigger.kind === 'http'
      ? {
          [AUTH_ENV.ISSUER]: issuer,
          [AUTH_ENV.AUDIENCE]: identity.webClient.userPoolClientId,
          [AUTH_ENV.JWKS_URL]: `${issuer}${JWKS_PATH}`,
          [AUTH_ENV.HOSTED_UI_URL]: `https://${settings.cognitoDomainPrefix}.auth.${Aws.REGION}.amazoncognito.com`,
        }
      : {}),
  };
};

/**
 * The retention periods of the stage's settings, for a function declared with
 * `retentionSettings` (the purge). The upload bucket's quarantine expiry derives from the same
 * numbers (./vault.ts).
 */
const retentionEnvironment = ({ retention }: StageSettings, { resources }: FunctionDeclaration): Record<string, string> =>
  resources.retentionSettings
    ? {
        [RETENTION_ENV.personalDataDays]: String(retention.personalDataDays),
        [RETENTION_ENV.pvDays]: String(retention.pvDays),
        [RETENTION_ENV.quarantineDays]: String(retention.quarantineDays),
        [RETENTION_ENV.catchUpDays]: String(retention.catchUpDays),
      }
    : {};

/** Asynchronous invocations (S3, Scheduler, EventBridge) that still fail after retries land in a DLQ. */
const asyncFailuresTo = (operations: Operations, fn: ProjectFunction, name: string): void => {
  const dlq = operations.deadLetterQueue(fn, 'AsyncDlq', `${name}-async-dlq`);
  fn.function.configureAsyncInvoke({ onFailure: new SqsDestination(dlq), retryAttempts: 2, maxEventAge: Duration.hours(6) });
};

/**
 * The S3 triggers: each function declared on a bucket's prefix gets the bucket's notification, set
 * on the bucket itself rather than through CDK's notification custom resource, whose handler needs
 * s3:PutBucketNotification on every bucket of the account.
 */
export const wireObjectTriggers = (settings: StageSettings, buckets: Readonly<Record<BucketName, Bucket>>, functions: Iterable<ProjectFunction>): void => {
  const all = [...functions];
  for (const name of ['uploads', 'vault'] as const) {
    const configurations: CfnBucket.LambdaConfigurationProperty[] = [];
    for (const fn of all) {
      const { trigger } = fn.declaration;
      if (trigger.kind !== 's3' || trigger.bucket !== name) continue;
      const permission = new CfnPermission(fn, 'PvUploadPermission', {
        action: 'lambda:InvokeFunction',
        functionName: fn.function.functionArn,
        principal: 's3.amazonaws.com',
        sourceAccount: Aws.ACCOUNT_ID,
        sourceArn: `arn:${Aws.PARTITION}:s3:::${bucketName(settings, name)}`,
      });
      buckets[name].node.addDependency(permission);
      configurations.push({
        event: 's3:ObjectCreated:*',
        function: fn.function.functionArn,
        filter: { s3Key: { rules: [{ name: 'prefix', value: trigger.prefix }] } },
      });
    }
    if (configurations.length === 0) continue;
    (buckets[name].node.defaultChild as CfnBucket).notificationConfiguration = { lambdaConfigurations: configurations };
  }
};
