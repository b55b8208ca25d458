import { Aws, CfnOutput, Duration, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { ApiMapping, DomainName, HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination, SecurityPolicy } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, LegendPosition, Metric, TextWidget, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnPermission, FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, HttpMethods, ObjectLockRetention, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { ConfigurationSet, ConfigurationSetEventDestination, EmailIdentity, EmailSendingEvent, EventDestination, Identity } from 'aws-cdk-lib/aws-ses';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUTH_ENV, JWKS_PATH } from '../shared/auth/verify.js';
import type { Access, BucketName, FunctionDeclaration, HttpRoute, ObjectGrant } from '../shared/platform/declarations.js';
import { RETENTION_ENV } from '../shared/retention/purge.js';
import { ENV } from '../shared/platform/env.js';
import type { SecretName } from '../shared/platform/secrets.js';
import { PV_PREFIX, QUARANTINE_PREFIX } from '../shared/vault/vault.js';
import { bucketSuffix, originOf, uploadCorsRule } from './buckets.js';
import { tableNames, tables, type KeyDefinition, type TableName } from '../shared/platform/tables.js';
import { ProjectFunction } from './constructs/projectFunction.js';
import { secureQueue } from './constructs/secureQueue.js';
import { streamFilterPattern } from './streamFilter.js';
import { resourceName, type StageSettings } from './settings.js';

export interface TpSessionsStackProps extends StackProps {
  readonly settings: StageSettings;
  /** The functions to build: `functionDeclarations` in the app, fixtures in tests. */
  readonly declarations: readonly FunctionDeclaration[];
  readonly projectRoot: string;
}

/**
 * Name of the declared function that receives SES bounces and complaints (through EventBridge) and
 * marks the address; wired when it is declared, whatever its own trigger.
 */
const MAIL_FEEDBACK_FUNCTION = 'mailFeedback';

/** The event store's table: append-only (reads and PutItem), whatever a declaration asks. */
const EVENT_STORE_TABLE: TableName = 'events';

/** Attribute of the commit item listing its event types, on which stream filters match (see ./streamFilter.ts). */
export { COMMIT_EVENT_TYPES_ATTRIBUTE } from '../shared/eventStore/records.js';

const attributeType = (key: KeyDefinition) => (key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER);
const attribute = (key: KeyDefinition) => ({ name: key.name, type: attributeType(key) });

/**
 * The whole system for one stage, built from the project's declarations: the tables from
 * `shared/platform/tables.ts`, one Lambda per entry of the function registry with its trigger and
 * grants, and what they rely on (key, PV bucket, user pool, HTTP API, SES, queues, alarms).
 */
export class TpSessionsStack extends Stack {
  readonly settings: StageSettings;
  readonly dataKey: Key;
  readonly tables: Readonly<Record<TableName, Table>>;
  /** The vault: versioned, Object Lock; accepted PVs and daily digests. */
  readonly pvBucket: Bucket;
  /** The upload area: no Object Lock, short expiry; the browser PUTs there, rejected files wait in quarantine/. */
  readonly uploadBucket: Bucket;
  readonly userPool: UserPool;
  readonly webClient: UserPoolClient;
  readonly api: HttpApi;
  /**
   * Where the pages answer, put in the Cognito callback and in mails: the custom domain when the
   * context gives one, else the API's own URL (a token, resolved at deploy).
   */
  readonly appUrl: string;
  readonly alarmTopic: Topic;
  readonly mailRetryQueue: Queue;
  readonly functions: ReadonlyMap<string, ProjectFunction>;
  /** Parent of the functions, so a function's name never collides with another construct's id. */
  private readonly functionsScope: Construct;
  private readonly cursorSecret: Secret;
  private apiStage: HttpStage | undefined;
  /** Every dead-letter queue, each watched by an alarm. */
  private readonly deadLetterQueues: { readonly scope: Construct; readonly id: string; readonly queue: Queue }[] = [];

  constructor(scope: Construct, id: string, props: TpSessionsStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.settings = settings;
    this.tags.setTag('project', 'tp-sessions');
    this.tags.setTag('stage', settings.stage);

    this.dataKey = new Key(this, 'DataKey', {
      alias: `alias/${resourceName(settings, 'data')}`,
      description: 'Encrypts tables, PV bucket and queues of tp-sessions.',
      enableKeyRotation: true,
      removalPolicy: settings.removalPolicy,
    });

    this.alarmTopic = this.buildAlarmTopic();
    this.tables = this.buildTables();
    const accessLogs = this.buildAccessLogBucket();
    this.pvBucket = this.buildPvBucket(accessLogs);
    this.uploadBucket = this.buildUploadBucket(accessLogs);
    this.api = this.buildApi();
    this.appUrl = this.buildAppUrl();
    const { userPool, webClient } = this.buildUserPool();
    this.userPool = userPool;
    this.webClient = webClient;
    this.allowUploadsFrom(this.appUrl);
    const mail = this.buildMail(props.declarations);
    this.mailRetryQueue = mail.retryQueue;

    // No fixed name: a deleted secret's name stays reserved for up to 30 days, and a re-created stage
    // would collide with it. Functions get its ARN.
    this.cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'HMAC key that signs the opaque pagination cursors of tp-sessions.',
      encryptionKey: this.dataKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: settings.removalPolicy,
    });
    Validations.of(this.cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CursorSecret: signs pagination cursors that live for minutes; rotating it only invalidates the cursors in flight, so it is rotated by redeploying with a new secret rather than by a rotation Lambda.',
    });
    this.functionsScope = new Construct(this, 'Functions');
    const built = new Map<string, ProjectFunction>();
    for (const declaration of props.declarations) {
      if (built.has(declaration.name)) throw new Error(`Function "${declaration.name}" is declared twice`);
      built.set(declaration.name, this.buildFunction(declaration, props.projectRoot, mail));
    }
    this.functions = built;
    this.wireHttpRoutes();
    this.wirePvUploads();
    this.wireMailFeedback(mail.configurationSetName);

    for (const { scope, id: dlqId, queue } of this.deadLetterQueues) {
      this.alarm(scope, `${dlqId}Depth`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }), `Messages waiting in ${queue.node.path}`);
    }
    this.watchOperations();

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'AppUrl', { description: 'Pages, Cognito callback and links in mails', value: this.appUrl });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'WebClientId', { value: this.webClient.userPoolClientId });
    new CfnOutput(this, 'PvBucketName', { value: this.pvBucket.bucketName });
    new CfnOutput(this, 'UploadBucketName', { value: this.uploadBucket.bucketName });
  }

  /** The project's secrets by the name functions declare them with. */
  private get secrets(): Readonly<Record<SecretName, Secret>> {
    return { cursor: this.cursorSecret };
  }

  private name(suffix: string): string {
    return resourceName(this.settings, suffix);
  }

  private deadLetterQueue(scope: Construct, id: string, queueName: string): Queue {
    const queue = secureQueue(scope, id, { queueName: this.name(queueName), removalPolicy: this.settings.removalPolicy });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `${scope === this ? id : `${scope.node.id}/${id}`}: ${queueName} is itself a dead-letter queue (the last stop of failed deliveries); a queue behind it would never be read.`,
    });
    this.deadLetterQueues.push({ scope, id, queue });
    return queue;
  }

  private alarm(scope: Construct, id: string, metric: IMetric, description: string, threshold = 0): Alarm {
    const alarm = new Alarm(scope, `${id}Alarm`, {
      alarmName: this.name(scope === this ? id : `${scope.node.id}-${id}`),
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    return alarm;
  }

  /**
   * What the operators watch beyond each function: the API's 5xx and latency, SES's bounce and
   * complaint rates (SES reviews an account from 5 % bounces or 0.1 % complaints, and may pause its
   * sending at 10 % and 0.5 %), and one dashboard for the stage with those and every function.
   */
  private watchOperations(): void {
    const fiveMinutes = Duration.minutes(5);
    const api5xx = this.api.metricServerError({ period: fiveMinutes, statistic: 'Sum' });
    const apiLatency = this.api.metricLatency({ period: fiveMinutes, statistic: 'p95' });
    const reputation = (metricName: string) => new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    const bounceRate = reputation('Reputation.BounceRate');
    const complaintRate = reputation('Reputation.ComplaintRate');
    this.alarm(this, 'Api5xx', api5xx, 'The API answered 5xx (a function failed or timed out)');
    this.alarm(this, 'ApiLatency', apiLatency, 'p95 latency of the API above 3 s over 5 minutes', 3000);
    this.alarm(this, 'MailBounceRate', bounceRate, 'SES bounce rate of the account above 4 % (SES reviews it from 5 %)', 0.04);
    this.alarm(this, 'MailComplaintRate', complaintRate, 'SES complaint rate of the account above 0.08 % (SES reviews it from 0.1 %)', 0.0008);

    const functions = [...this.functions.values()];
    const perFunction = (title: string, metric: (fn: ProjectFunction) => IMetric, among = functions) =>
      new GraphWidget({ title, width: 12, left: among.map(metric), legendPosition: LegendPosition.RIGHT });
    const streamConsumers = functions.filter((fn) => fn.declaration.trigger.kind === 'stream');
    const dashboard = new Dashboard(this, 'Dashboard', {
      // Named in prod only, where operators look it up; dev gets a generated name.
      ...(this.settings.stage === 'prod' ? { dashboardName: this.name('operations') } : {}),
      defaultInterval: Duration.days(1),
    });
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# tp-sessions ${this.settings.stage}\nAPI, mails, stream consumers and every function. Alarms go to the operators topic.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({ title: 'API : 5xx et 4xx', width: 12, left: [api5xx, this.api.metricClientError({ period: fiveMinutes, statistic: 'Sum' })] }),
      new GraphWidget({ title: 'API : latence p95 (ms)', width: 12, left: [apiLatency] }),
    );
    dashboard.addWidgets(
      new GraphWidget({ title: 'SES : taux de rebonds et de plaintes', width: 12, left: [bounceRate, complaintRate] }),
      perFunction(
        'Flux : retard de lecture (IteratorAge, ms)',
        (fn) => fn.function.metric('IteratorAge', { statistic: 'Maximum', period: fiveMinutes, label: fn.declaration.name }),
        streamConsumers,
      ),
    );
    dashboard.addWidgets(
      perFunction('Erreurs par fonction', (fn) => fn.function.metricErrors({ period: fiveMinutes, label: fn.declaration.name })),
      perFunction('Durée p95 par fonction (ms)', (fn) => fn.function.metricDuration({ period: fiveMinutes, statistic: 'p95', label: fn.declaration.name })),
    );
    dashboard.addWidgets(
      perFunction('Limitations (throttles)', (fn) => fn.function.metricThrottles({ period: fiveMinutes, label: fn.declaration.name })),
      new GraphWidget({
        title: 'Files de lettres mortes',
        width: 12,
        left: this.deadLetterQueues.map(({ queue, id }) => queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, label: id })),
      }),
    );
  }

  private buildAlarmTopic(): Topic {
    // A key of its own: CloudWatch must be allowed to use it to publish, and that permission has no
    // business on the key that protects the data.
    const key = new Key(this, 'AlarmKey', {
      alias: `alias/${this.name('alarms')}`,
      description: 'Encrypts the operators alarm topic of tp-sessions.',
      enableKeyRotation: true,
      removalPolicy: this.settings.removalPolicy,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', {
      topicName: this.name('alarms'),
      displayName: 'tp-sessions : alertes exploitation',
      masterKey: key,
      enforceSSL: true,
    });
    if (this.settings.operatorsEmail) topic.addSubscription(new EmailSubscription(this.settings.operatorsEmail));
    return topic;
  }

  private buildTables(): Record<TableName, Table> {
    const built = {} as Record<TableName, Table>;
    for (const name of tableNames) {
      const definition = tables[name];
      const table = new Table(this, `${name[0]?.toUpperCase()}${name.slice(1)}Table`, {
        tableName: this.name(name),
        partitionKey: attribute(definition.partitionKey),
        ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.dataKey,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: this.settings.deletionProtection,
        removalPolicy: this.settings.removalPolicy,
        ...(definition.stream ? { stream: StreamViewType.NEW_IMAGE } : {}),
        ...(definition.ttlAttribute ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
      });
      for (const index of definition.globalIndexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attribute(index.partitionKey),
          ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        });
      }
      built[name] = table;
    }
    return built;
  }

  private buildAccessLogBucket(): Bucket {
    const accessLogs = new Bucket(this, 'PvAccessLogs', {
      // S3 server access logging cannot write to an SSE-KMS bucket: this one uses S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: this.settings.removalPolicy,
      lifecycleRules: [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'PvAccessLogs: the access-log bucket of the PV vault and upload buckets; logging it would need yet another log bucket, and so on.',
    });
    return accessLogs;
  }

  /**
   * The vault: accepted PVs (copied there by the intake once checked) and the daily digests, each
   * locked by the bucket's default retention. Nothing rejected ever lands here, so every version is
   * meant to be kept: no rule expires one.
   */
  private buildPvBucket(accessLogs: Bucket): Bucket {
    const retention =
      this.settings.pvObjectLockMode === 'COMPLIANCE' ? ObjectLockRetention.compliance(this.settings.pvRetention) : ObjectLockRetention.governance(this.settings.pvRetention);
    return new Bucket(this, 'PvBucket', {
      bucketName: this.bucketName('vault'),
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: retention,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'pv/',
      removalPolicy: this.settings.removalPolicy,
      lifecycleRules: [
        {
          transitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: this.settings.pvColdStorageAfter }],
          noncurrentVersionTransitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: this.settings.pvColdStorageAfter }],
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }

  /**
   * The upload area, apart from the vault because Object Lock is bucket-wide: a wrong file full of
   * personal data must be erasable. Not versioned, so a delete is a delete. The intake empties
   * `pv/` within seconds (accepted files go to the vault, rejected ones to `quarantine/`); the
   * lifecycle removes what it left (a failed intake) after a day, and each quarantined file once
   * the retention purge's catch-up window is over, should the purge never have reached it.
   */
  private buildUploadBucket(accessLogs: Bucket): Bucket {
    const { retention } = this.settings;
    return new Bucket(this, 'UploadBucket', {
      bucketName: this.bucketName('uploads'),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'uploads/',
      removalPolicy: this.settings.removalPolicy,
      lifecycleRules: [
        { id: 'uploads', prefix: PV_PREFIX, expiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'quarantine', prefix: QUARANTINE_PREFIX, expiration: Duration.days(retention.quarantineDays + retention.catchUpDays + 1) },
      ],
    });
  }

  /** The page PUTs the signed PV straight to the upload area from the application's origin (a CORS preflight). */
  private allowUploadsFrom(appUrl: string): void {
    const rule = uploadCorsRule([Token.isUnresolved(appUrl) ? appUrl : originOf(appUrl)]);
    this.uploadBucket.addCorsRule({
      allowedOrigins: [...rule.allowedOrigins],
      allowedMethods: rule.allowedMethods.map((method) => HttpMethods[method]),
      allowedHeaders: [...rule.allowedHeaders],
      exposedHeaders: [...rule.exposedHeaders],
      maxAge: rule.maxAgeSeconds,
    });
  }

  /**
   * Fixed so that grants and the S3 notification permission can name the bucket without
   * referencing it: the bucket depends on the permission, so the permission cannot depend on it.
   */
  private bucketName(bucket: BucketName): string {
    return `${this.name(bucketSuffix[bucket])}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
  }

  private buildUserPool(): { userPool: UserPool; webClient: UserPoolClient } {
    const scopeAttribute = (maxLen: number) => new StringAttribute({ minLen: 1, maxLen, mutable: true });
    const userPool = new UserPool(this, 'UserPool', {
      userPoolName: this.name('users'),
      // Accounts are created by the administrators, with their role and scope.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      // Names as in shared/auth/principal.ts `tokenClaims` (`custom:role`, ...).
      customAttributes: {
        role: scopeAttribute(16),
        centreId: scopeAttribute(64),
        department: scopeAttribute(3),
        region: scopeAttribute(3),
        jurorId: scopeAttribute(64),
        displayName: scopeAttribute(120),
        // Shown instead of the centre's id and recorded in its events; set by administrators only.
        centreName: scopeAttribute(120),
      },
      deletionProtection: this.settings.deletionProtection,
      removalPolicy: this.settings.removalPolicy,
    });
    userPool.addDomain('HostedDomain', { cognitoDomain: { domainPrefix: this.settings.cognitoDomainPrefix } });
    const customAttributes = ['role', 'centreId', 'department', 'region', 'jurorId', 'displayName', 'centreName'];
    const webClient = userPool.addClient('WebClient', {
      userPoolClientName: this.name('web'),
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${this.appUrl}/auth/callback`],
        logoutUrls: [this.appUrl],
      },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes(...customAttributes),
      // Role and scope are set by administrators only: a user must not be able to widen their own.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
    });
    return { userPool, webClient };
  }

  private buildApi(): HttpApi {
    const api = new HttpApi(this, 'Api', { apiName: this.name('api'), createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      // Named in prod only (see ProjectFunctionProps.namedLogGroup).
      ...(this.settings.stage === 'prod' ? { logGroupName: `/aws/apigateway/${this.name('api')}` } : {}),
      retention: this.settings.logRetention,
      removalPolicy: this.settings.removalPolicy,
    });
    this.apiStage = new HttpStage(this, 'ApiDefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: this.settings.apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No personal data: the caller is identified by its Cognito sub only.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    return api;
  }

  /**
   * With `domainName` and `certificateArn` in the context: the API's custom domain (regional, TLS
   * 1.2) mapped to its default stage, and its DNS target as an output. Without them, the API's own
   * URL, so that the Cognito callback and the links in mails always reach the pages.
   */
  private buildAppUrl(): string {
    const custom = this.settings.customDomain;
    if (!custom) return this.api.apiEndpoint;
    const domain = new DomainName(this, 'ApiDomain', {
      domainName: custom.domainName,
      certificate: Certificate.fromCertificateArn(this, 'ApiCertificate', custom.certificateArn),
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    if (!this.apiStage) throw new Error('the API stage is built before its domain');
    new ApiMapping(this, 'ApiMapping', { api: this.api, domainName: domain, stage: this.apiStage });
    new CfnOutput(this, 'AppDomainTarget', {
      description: `DNS: ${custom.domainName} CNAME (or alias) to this name`,
      value: domain.regionalDomainName,
    });
    return `https://${custom.domainName}`;
  }

  private buildMail(declarations: readonly FunctionDeclaration[]) {
    const { settings } = this;
    const configurationSet = new ConfigurationSet(this, 'MailConfigurationSet', {
      configurationSetName: this.name('mail'),
      sendingEnabled: true,
      reputationMetrics: true,
    });
    const identity = new EmailIdentity(this, 'MailIdentity', {
      identity: Identity.domain(settings.mailDomain),
      configurationSet,
    });
    // Bounces and complaints go to the default event bus, where a rule hands them to mailFeedback.
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    new ConfigurationSetEventDestination(this, 'MailFeedbackDestination', {
      configurationSet,
      configurationSetEventDestinationName: 'bounces-and-complaints',
      destination: EventDestination.eventBus(defaultBus),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    // The identity is created by the stack: publish these CNAMEs in the domain's DNS (Easy DKIM).
    for (const n of [1, 2, 3] as const) {
      new CfnOutput(this, `MailDkim${n}`, {
        description: `DKIM record ${n} of ${settings.mailDomain}`,
        value: `${identity[`dkimDnsTokenName${n}`]} CNAME ${identity[`dkimDnsTokenValue${n}`]}`,
      });
    }
    const retryDlq = this.deadLetterQueue(this, 'MailRetryDlq', 'mail-retry-dlq');
    const retryQueue = secureQueue(this, 'MailRetryQueue', {
      queueName: this.name('mail-retry'),
      removalPolicy: settings.removalPolicy,
      // At least six times the consumers' timeout (AWS's advice), so a message is not handed to a
      // second invocation while the first still works on it.
      visibilityTimeout: Duration.seconds(
        Math.min(43_200, Math.max(360, 6 * Math.max(0, ...declarations.filter((d) => d.trigger.kind === 'queue').map((d) => d.timeoutSeconds ?? 10)))),
      ),
      deadLetterQueue: { queue: retryDlq, maxReceiveCount: 5 },
    });
    return {
      retryQueue,
      identityArns: [
        this.formatArn({ service: 'ses', resource: 'identity', resourceName: settings.mailDomain }),
        ...(settings.stage === 'dev' ? [this.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })] : []),
      ],
      ...(settings.stage === 'dev' ? { nagSandboxIdentities: 'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*' } : {}),
      configurationSetArn: this.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSet.configurationSetName }),
      configurationSetName: configurationSet.configurationSetName,
      from: settings.mailFrom,
    };
  }

  private buildFunction(declaration: FunctionDeclaration, projectRoot: string, mail: ReturnType<TpSessionsStack['buildMail']>): ProjectFunction {
    const fn = new ProjectFunction(this.functionsScope, declaration.name, {
      declaration,
      functionName: this.name(declaration.name),
      projectRoot,
      logRetention: this.settings.logRetention,
      namedLogGroup: this.settings.stage === 'prod',
      ...(declaration.resources.unitDirectory && this.settings.directory ? { directoryFile: this.settings.directory.file } : {}),
      removalPolicy: this.settings.removalPolicy,
      environment: { ...this.commonEnvironment(declaration), ...this.retentionEnvironment(declaration) },
    });
    const { resources, trigger } = declaration;
    for (const [table, access] of Object.entries(resources.tables ?? {}) as [TableName, Access][]) {
      // The event store is append-only: a commit is put once, never updated nor deleted.
      if (table === EVENT_STORE_TABLE && access === 'readwrite')
        throw new Error(`${declaration.name}: the ${table} table is append-only: declare 'append' (reads and PutItem), not 'readwrite'`);
      const built = this.tables[table];
      fn.bindTable(table, { tableArn: built.tableArn, tableName: built.tableName, indexNames: tables[table].globalIndexes.map((i) => i.name), key: this.dataKey }, access);
    }
    for (const bucket of ['uploads', 'vault'] as const) {
      const grants = (resources.objects ?? []).filter((grant: ObjectGrant) => grant.bucket === bucket);
      if (grants.length === 0) continue;
      // Named, not referenced: see bucketName().
      fn.bindObjects(
        bucket,
        {
          bucketArn: `arn:${Aws.PARTITION}:s3:::${this.bucketName(bucket)}`,
          bucketName: this.bucketName(bucket),
          key: this.dataKey,
          versioned: bucket === 'vault',
          nagBucketArn: `arn:<AWS::Partition>:s3:::${this.name(bucketSuffix[bucket])}-<AWS::AccountId>-<AWS::Region>`,
        },
        grants,
      );
    }
    if (resources.sendMail) fn.bindMail(mail);
    for (const secret of resources.secrets ?? []) fn.bindSecret(secret, { secretArn: this.secrets[secret].secretArn, key: this.dataKey });
    if (resources.mailRetryQueue === 'send') {
      // A mail put on the queue is sent again by mailRetry through SES: enqueuing without sending makes no sense.
      if (!resources.sendMail) throw new Error(`${declaration.name}: mailRetryQueue: 'send' needs sendMail: true`);
      fn.bindMailRetryQueue(mail.retryQueue);
    }

    switch (trigger.kind) {
      case 'http':
        break; // wired once all functions exist, to detect two functions claiming one route
      case 'stream': {
        const dlq = this.deadLetterQueue(fn, 'StreamDlq', `${declaration.name}-stream-dlq`);
        fn.function.addEventSource(
          new DynamoEventSource(this.tables.events, {
            startingPosition: StartingPosition.TRIM_HORIZON,
            batchSize: trigger.batchSize ?? 10,
            bisectBatchOnError: true,
            reportBatchItemFailures: true,
            retryAttempts: this.settings.streamRetryAttempts,
            maxRecordAge: Duration.days(1),
            onFailure: new SqsDlq(dlq),
            filters: [FilterCriteria.filter(streamFilterPattern(trigger.eventTypes))],
          }),
        );
        // Records leave the stream after 24 h: a consumer a quarter of an hour behind is stuck or
        // too slow, well before anything is lost.
        this.alarm(
          fn,
          'IteratorAge',
          fn.function.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
          `${declaration.name} reads the events stream more than 15 minutes behind`,
          Duration.minutes(15).toMilliseconds(),
        );
        break;
      }
      case 'schedule': {
        const dlq = this.deadLetterQueue(fn, 'ScheduleDlq', `${declaration.name}-schedule-dlq`);
        this.asyncFailuresTo(fn, declaration.name);
        // L1 rather than the Scheduler L2 target, whose role may invoke every version (`fn:*`).
        const role = new Role(fn, 'SchedulerRole', {
          assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
          description: `Lets EventBridge Scheduler run ${declaration.name} and park failed runs.`,
        });
        role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.function.functionArn] }));
        role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [dlq.queueArn] }));
        new CfnSchedule(fn, 'Schedule', {
          name: this.name(declaration.name),
          description: `Runs ${declaration.name}: ${trigger.cron} (${trigger.timezone}).`,
          scheduleExpression: trigger.cron,
          scheduleExpressionTimezone: trigger.timezone,
          flexibleTimeWindow: { mode: 'OFF' },
          state: 'ENABLED',
          target: {
            arn: fn.function.functionArn,
            roleArn: role.roleArn,
            retryPolicy: { maximumRetryAttempts: this.settings.scheduleRetryAttempts, maximumEventAgeInSeconds: 2 * 3600 },
            deadLetterConfig: { arn: dlq.queueArn },
          },
        });
        break;
      }
      case 's3':
        this.asyncFailuresTo(fn, declaration.name);
        break; // wired on the bucket once all functions exist
      case 'queue':
        fn.function.addEventSource(new SqsEventSource(mail.retryQueue, { batchSize: 10, reportBatchItemFailures: true }));
        break;
    }
    this.alarm(fn, 'Errors', fn.function.metricErrors({ period: Duration.minutes(5) }), `Errors of ${declaration.name}`);
    this.alarm(fn, 'Throttles', fn.function.metricThrottles({ period: Duration.minutes(5) }), `Throttles of ${declaration.name}`);
    return fn;
  }

  /**
   * Configuration every function reads besides its bound resources: the stage, the app URL and,
   * for HTTP functions, how to verify a Cognito token. No secret: see bindSecret.
   */
  private commonEnvironment(declaration: FunctionDeclaration): Record<string, string> {
    const issuer = `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.userPool.userPoolId}`;
    return {
      [ENV.STAGE]: this.settings.stage,
      [ENV.APP_URL]: this.appUrl,
      ...(declaration.trigger.kind === 'http'
        ? {
            [AUTH_ENV.ISSUER]: issuer,
            [AUTH_ENV.AUDIENCE]: this.webClient.userPoolClientId,
            [AUTH_ENV.JWKS_URL]: `${issuer}${JWKS_PATH}`,
            [AUTH_ENV.HOSTED_UI_URL]: `https://${this.settings.cognitoDomainPrefix}.auth.${Aws.REGION}.amazoncognito.com`,
          }
        : {}),
    };
  }

  /**
   * The retention periods of the stage's settings, for a function declared with
   * `retentionSettings` (the purge). The upload bucket's quarantine expiry derives from the same
   * numbers (buildUploadBucket).
   */
  private retentionEnvironment({ resources }: FunctionDeclaration): Record<string, string> {
    const { retention } = this.settings;
    return {
      ...(resources.retentionSettings
        ? {
            [RETENTION_ENV.personalDataDays]: String(retention.personalDataDays),
            [RETENTION_ENV.pvDays]: String(retention.pvDays),
            [RETENTION_ENV.quarantineDays]: String(retention.quarantineDays),
            [RETENTION_ENV.catchUpDays]: String(retention.catchUpDays),
          }
        : {}),
    };
  }

  /** Asynchronous invocations (S3, Scheduler, EventBridge) that still fail after retries land in a DLQ. */
  private asyncFailuresTo(fn: ProjectFunction, name: string): void {
    const dlq = this.deadLetterQueue(fn, 'AsyncDlq', `${name}-async-dlq`);
    fn.function.configureAsyncInvoke({ onFailure: new SqsDestination(dlq), retryAttempts: 2, maxEventAge: Duration.hours(6) });
  }

  private wireHttpRoutes(): void {
    const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', this.userPool, {
      userPoolClients: [this.webClient],
      identitySource: ['$request.header.Authorization'],
    });
    const claimed = new Map<string, string>();
    for (const fn of this.functions.values()) {
      const { trigger, name } = fn.declaration;
      if (trigger.kind !== 'http') continue;
      // One permission per function for the whole API (`<api>/*/*/*`), not one per route: Lambda
      // refuses a resource policy over 20 KB, which forty routes' statements nearly reach.
      const integration = new HttpLambdaIntegration(`${name}Integration`, fn.function, { scopePermissionToRoute: false });
      for (const route of trigger.routes) {
        const key = `${route.method} ${route.path}`;
        const owner = claimed.get(key);
        if (owner) throw new Error(`Route "${key}" is declared by both ${owner} and ${name}`);
        claimed.set(key, name);
        const [created] = this.api.addRoutes({
          path: route.path,
          methods: [HttpMethod[route.method]],
          integration,
          authorizer: route.public ? new HttpNoneAuthorizer() : authorizer,
        });
        if (route.public && created) this.acknowledgePublicRoute(created, route, name);
      }
    }
  }

  private acknowledgePublicRoute(route: Construct, declared: HttpRoute, name: string): void {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: `${declared.method} ${declared.path}: route of ${name} declared public (sign-in page or static asset): it is reached before any token exists.`,
    });
  }

  private wirePvUploads(): void {
    const buckets: Record<BucketName, Bucket> = { uploads: this.uploadBucket, vault: this.pvBucket };
    for (const name of ['uploads', 'vault'] as const) {
      const configurations: CfnBucket.LambdaConfigurationProperty[] = [];
      for (const fn of this.functions.values()) {
        const { trigger } = fn.declaration;
        if (trigger.kind !== 's3' || trigger.bucket !== name) continue;
        const permission = new CfnPermission(fn, 'PvUploadPermission', {
          action: 'lambda:InvokeFunction',
          functionName: fn.function.functionArn,
          principal: 's3.amazonaws.com',
          sourceAccount: Aws.ACCOUNT_ID,
          sourceArn: `arn:${Aws.PARTITION}:s3:::${this.bucketName(name)}`,
        });
        buckets[name].node.addDependency(permission);
        configurations.push({
          event: 's3:ObjectCreated:*',
          function: fn.function.functionArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: trigger.prefix }] } },
        });
      }
      if (configurations.length === 0) continue;
      // Set on the bucket itself rather than through CDK's notification custom resource, whose
      // handler needs s3:PutBucketNotification on every bucket of the account.
      (buckets[name].node.defaultChild as CfnBucket).notificationConfiguration = { lambdaConfigurations: configurations };
    }
  }

  /** Bounces and complaints reach the declared mailFeedback function, which marks the address. */
  private wireMailFeedback(configurationSetName: string): void {
    const fn = this.functions.get(MAIL_FEEDBACK_FUNCTION);
    if (!fn) return;
    const rule = new Rule(this, 'MailFeedbackRule', {
      ruleName: this.name('mail-feedback'),
      description: 'SES bounces and complaints of the tp-sessions configuration set.',
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [configurationSetName] } } },
      },
    });
    const dlq = this.deadLetterQueue(this, 'MailFeedbackRuleDlq', 'mail-feedback-dlq');
    rule.addTarget(new LambdaTarget(fn.function, { deadLetterQueue: dlq, retryAttempts: 8, maxEventAge: Duration.hours(24) }));
  }
}
