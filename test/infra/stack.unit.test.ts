import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMIT_EVENT_TYPES_ATTRIBUTE } from '../../infra/stack.js';
import { tableNames, tables } from '../../shared/platform/tables.js';
import { fixtureDeclarations } from './fixtures/declarations.js';
import { synthesize, type Synthesized } from './synth.js';
import { functionLogicalId, missingWiring, refersTo, resourcesOfType, s3GrantsOf, type CfnTemplate } from './template.js';

/**
 * The stack built from fixture declarations (one function per trigger kind), for both stages,
 * cdk-nag included. Bundling is skipped here (it changes only asset hashes) to keep the suite
 * fast; projectFunction.unit.test.ts and app.int.test.ts bundle for real.
 */
let dev: Synthesized;
let prod: Synthesized;
const stages = () =>
  [
    ['dev', dev],
    ['prod', prod],
  ] as const;

beforeAll(() => {
  dev = synthesize({ stage: 'dev', declarations: fixtureDeclarations, bundle: false });
  // prod with a custom domain and a directory of units; dev without either.
  prod = synthesize({ stage: 'prod', declarations: fixtureDeclarations, bundle: false, context: { operatorsEmail: 'exploitation@example.org', ...prodContext } });
}, 120_000);

const json = (s: Synthesized) => s.template.toJSON() as CfnTemplate;
const prodContext = {
  domainName: 'sessions.example.fr',
  certificateArn: 'arn:aws:acm:eu-west-3:123456789012:certificate/0b0c0d0e-1111-2222-3333-444455556666',
  cognitoDomainPrefix: 'tp-sessions-ministere',
  directoryFile: 'test/infra/fixtures/unit-directory.json',
};

describe('DynamoDB tables from shared/platform/tables.ts', () => {
  it('creates every declared table, stage-prefixed, with its keys and indexes, on demand', () => {
    for (const [stage, s] of stages()) {
      for (const name of tableNames) {
        const definition = tables[name];
        s.template.hasResourceProperties('AWS::DynamoDB::Table', {
          TableName: `${stage}-tp-${name}`,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
            ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
          ],
          ...(definition.globalIndexes.length > 0 ? { GlobalSecondaryIndexes: definition.globalIndexes.map((index) => Match.objectLike({ IndexName: index.name })) } : {}),
        });
      }
    }
  });

  it('streams new images of the events table only, keeps point-in-time recovery on every table and encrypts them with the customer-managed key', () => {
    for (const [, s] of stages()) {
      const dynamoTables = resourcesOfType(json(s), 'AWS::DynamoDB::Table');
      expect(dynamoTables).toHaveLength(tableNames.length);
      const keyId = resourcesOfType(json(s), 'AWS::KMS::Key').find(([id]) => id.startsWith('DataKey'))?.[0] ?? 'missing';
      for (const [, table] of dynamoTables) {
        const name = String(table.Properties?.TableName).replace(/^(dev|prod)-tp-/, '') as keyof typeof tables;
        expect(table.Properties?.StreamSpecification).toEqual(tables[name].stream ? { StreamViewType: 'NEW_IMAGE' } : undefined);
        expect(table.Properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(table.Properties?.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
        expect(refersTo(table.Properties?.SSESpecification, keyId)).toBe(true);
        const ttl = tables[name].ttlAttribute;
        expect(table.Properties?.TimeToLiveSpecification).toEqual(ttl ? { AttributeName: ttl, Enabled: true } : undefined);
      }
      s.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    }
  });

  it('retains and protects the tables in prod, and lets dev be destroyed', () => {
    for (const [, table] of resourcesOfType(json(prod), 'AWS::DynamoDB::Table')) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties?.DeletionProtectionEnabled).toBe(true);
    }
    for (const [, table] of resourcesOfType(json(dev), 'AWS::DynamoDB::Table')) {
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties?.DeletionProtectionEnabled).toBe(false);
    }
  });
});

describe('the PV bucket', () => {
  const pvBucket = (s: Synthesized) => resourcesOfType(json(s), 'AWS::S3::Bucket').find(([id]) => id.startsWith('PvBucket'));

  it('is versioned, object-locked (governance in dev, compliance in prod), private, KMS-encrypted, logged to its own bucket and moved to colder storage', () => {
    for (const [stage, s] of stages()) {
      const [id, bucket] = pvBucket(s) ?? ['', { Type: '' }];
      expect(bucket.Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: stage === 'prod' ? 'COMPLIANCE' : 'GOVERNANCE', Days: stage === 'prod' ? 1825 : 1 } },
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
        LifecycleConfiguration: { Rules: expect.arrayContaining([expect.objectContaining({ Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }] })]) },
      });
      const logBucketId = resourcesOfType(json(s), 'AWS::S3::Bucket').find(([other]) => other.startsWith('PvAccessLogs'))?.[0] ?? 'missing';
      expect(refersTo((bucket.Properties?.LoggingConfiguration as { DestinationBucketName?: unknown }).DestinationBucketName, logBucketId)).toBe(true);
      s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
      expect(bucket.DeletionPolicy).toBe(stage === 'prod' ? 'Retain' : 'Delete');
    }
  });
});

describe('the upload bucket (browser uploads, quarantine)', () => {
  type Rule = { Id?: string; Prefix?: string; ExpirationInDays?: number; NoncurrentVersionExpiration?: unknown; TagFilters?: unknown; Status: string };
  const bucketOf = (s: Synthesized, prefix: string) => resourcesOfType(json(s), 'AWS::S3::Bucket').find(([id]) => id.startsWith(prefix));
  const rules = (s: Synthesized, prefix: string): Rule[] => (bucketOf(s, prefix)?.[1].Properties?.LifecycleConfiguration as { Rules: Rule[] }).Rules;

  it('is a bucket of its own without Object Lock nor versions (a rejected file can be erased), private, KMS-encrypted, logged, TLS only', () => {
    for (const [stage, s] of stages()) {
      const [id, bucket] = bucketOf(s, 'UploadBucket') ?? ['', { Type: '' }];
      expect(bucket.Properties).toMatchObject({
        BucketName: { 'Fn::Join': ['', [`${stage}-tp-uploads-`, { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
      });
      expect(bucket.Properties?.ObjectLockEnabled).toBeUndefined();
      expect(bucket.Properties?.ObjectLockConfiguration).toBeUndefined();
      expect(bucket.Properties?.VersioningConfiguration).toBeUndefined();
      expect(bucket.Properties?.LoggingConfiguration).toMatchObject({ LogFilePrefix: 'uploads/' });
      s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it("expires what the intake left under pv/ a day after its dead letter would be gone, and a quarantined file once the purge's catch-up window is over", () => {
    for (const [, s] of stages()) {
      const { quarantineDays, catchUpDays } = s.stack.settings.retention;
      const template = json(s);
      // The queue a failed intake's notification lands in, found from the intake's own failure destination.
      const intakeId = functionLogicalId(template, `${s.stack.settings.stage}-tp-pvIntake`) ?? 'missing';
      const invokeConfig = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').find(([, c]) => refersTo(c.Properties?.FunctionName, intakeId))?.[1];
      const destination = (invokeConfig?.Properties?.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination;
      const dlq = resourcesOfType(template, 'AWS::SQS::Queue').find(([id]) => refersTo(destination, id))?.[1];
      const dlqDays = Number(dlq?.Properties?.MessageRetentionPeriod) / 86_400;
      expect(dlqDays).toBe(14);
      const uploads = rules(s, 'UploadBucket');
      expect(uploads).toEqual([
        expect.objectContaining({ Id: 'uploads', Prefix: 'pv/', ExpirationInDays: dlqDays + 1, Status: 'Enabled' }),
        expect.objectContaining({ Id: 'quarantine', Prefix: 'quarantine/', ExpirationInDays: quarantineDays + catchUpDays + 1, Status: 'Enabled' }),
      ]);
      expect(uploads[0]).toMatchObject({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } });
    }
  });

  it("lets the application's origin PUT with the headers the page signs (a CORS preflight), and read the ETag", () => {
    for (const [, s] of stages()) {
      const cors = bucketOf(s, 'UploadBucket')?.[1].Properties?.CorsConfiguration as { CorsRules: Record<string, unknown>[] };
      expect(cors.CorsRules).toEqual([
        {
          AllowedOrigins: [s.stack.resolve(s.stack.appUrl)],
          AllowedMethods: ['PUT', 'GET', 'HEAD'],
          AllowedHeaders: ['content-type', 'x-amz-checksum-sha256'],
          ExposedHeaders: ['ETag'],
          MaxAge: 3000,
        },
      ]);
    }
  });

  it('leaves the vault without CORS and without any rule that expires a version: nothing rejected lands there', () => {
    for (const [, s] of stages()) {
      expect(bucketOf(s, 'PvBucket')?.[1].Properties?.CorsConfiguration).toBeUndefined();
      for (const rule of rules(s, 'PvBucket')) {
        expect(rule, rule.Id).not.toHaveProperty('ExpirationInDays');
        expect(rule, rule.Id).not.toHaveProperty('NoncurrentVersionExpiration');
        expect(rule, rule.Id).not.toHaveProperty('TagFilters');
      }
    }
  });
});

describe('the Cognito user pool', () => {
  it('carries the role and scope attributes of the token claims, requires TOTP MFA and a strong password, on the Plus plan, and keeps the old email until a new one is verified', () => {
    for (const [, s] of stages()) {
      const pool = resourcesOfType(json(s), 'AWS::Cognito::UserPool')[0]?.[1];
      const schema = (pool?.Properties?.Schema ?? []) as { Name: string; Mutable: boolean }[];
      expect(schema.map((attribute) => attribute.Name).sort()).toEqual(['centreId', 'centreName', 'department', 'displayName', 'jurorId', 'region', 'role']);
      expect(pool?.Properties).toMatchObject({
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: { PasswordPolicy: { MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        // A changed email takes effect once verified.
        UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
      });
    }
    expect(resourcesOfType(json(prod), 'AWS::Cognito::UserPool')[0]?.[1].Properties?.DeletionProtection).toBe('ACTIVE');
  });

  it('has a web client that reads the custom claims but cannot write them, so users cannot widen their own role', () => {
    const client = resourcesOfType(json(dev), 'AWS::Cognito::UserPoolClient')[0]?.[1];
    expect(client?.Properties?.ReadAttributes).toEqual(
      expect.arrayContaining(['custom:role', 'custom:centreId', 'custom:department', 'custom:region', 'custom:jurorId', 'custom:displayName', 'custom:centreName']),
    );
    expect((client?.Properties?.WriteAttributes as string[]).filter((name) => name.startsWith('custom:'))).toEqual([]);
    expect(client?.Properties).toMatchObject({ AllowedOAuthFlows: ['code'], GenerateSecret: false, PreventUserExistenceErrors: 'ENABLED' });
  });
});

describe('the HTTP API', () => {
  it('has a throttled default stage with JSON access logs', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 } });
  });

  it('checks tokens with a JWT authorizer on the Cognito user pool, except on public routes', () => {
    const authorizers = resourcesOfType(json(dev), 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.[1].Properties).toMatchObject({ AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
    expect(JSON.stringify(authorizers[0]?.[1].Properties?.JwtConfiguration)).toContain('cognito-idp.');
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /sessions/{sessionId}', AuthorizationType: 'JWT' });
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /connexion', AuthorizationType: 'NONE' });
  });
});

describe('functions built from their declarations by the project construct', () => {
  it('wires every fixture function to its trigger, in both stages', () => {
    for (const [stage, s] of stages()) {
      for (const declaration of fixtureDeclarations) expect(missingWiring(json(s), declaration, stage), declaration.name).toEqual([]);
    }
  });

  it('runs Node 24 on arm64 with active tracing, JSON logs in a log group with retention, and the stage in the environment', () => {
    const functions = resourcesOfType(json(dev), 'AWS::Lambda::Function');
    expect(functions).toHaveLength(fixtureDeclarations.length);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
        Environment: { Variables: expect.objectContaining({ STAGE: 'dev' }) },
      });
    }
    const groupIds = functions.map(([, fn]) => /"Ref":"([^"]+)"/.exec(JSON.stringify((fn.Properties?.LoggingConfig as { LogGroup?: unknown }).LogGroup))?.[1]);
    const groups = resourcesOfType(json(dev), 'AWS::Logs::LogGroup').filter(([id]) => groupIds.includes(id));
    expect(groups).toHaveLength(fixtureDeclarations.length);
    for (const [, group] of groups) expect(group.Properties?.RetentionInDays).toBe(30);
    for (const [, group] of resourcesOfType(json(prod), 'AWS::Logs::LogGroup')) expect(group.Properties?.RetentionInDays).toBe(365);
  });

  it('gives HTTP functions how to verify a Cognito token, and only the function declaring the cursor key its ARN and the right to read that secret alone', () => {
    const fns = resourcesOfType(json(dev), 'AWS::Lambda::Function');
    const [secretId, secret] = resourcesOfType(json(dev), 'AWS::SecretsManager::Secret')[0] ?? [];
    expect(secret?.Properties?.Name).toBeUndefined();
    const readers = resourcesOfType(json(dev), 'AWS::IAM::Policy')
      .filter(([, policy]) => JSON.stringify(policy.Properties?.PolicyDocument).includes('secretsmanager:GetSecretValue'))
      .map(([id, policy]) => {
        const statement = (policy.Properties?.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement.find((st) =>
          JSON.stringify(st.Action).includes('secretsmanager:'),
        );
        expect(statement?.Resource, id).toEqual({ Ref: secretId });
        return id;
      });
    expect(readers).toHaveLength(1);
    expect(readers[0]).toMatch(/^FunctionshttpEcho/);
    for (const [, fn] of fns) {
      const variables = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.CURSOR_SECRET).toBeUndefined();
      expect(variables.CURSOR_SECRET_ARN, String(fn.Properties?.FunctionName)).toEqual(fn.Properties?.FunctionName === 'dev-tp-httpEcho' ? { Ref: secretId } : undefined);
      const http = ['dev-tp-httpEcho', 'dev-tp-mailFeedback'].includes(String(fn.Properties?.FunctionName));
      expect(variables.AUTH_ISSUER !== undefined, String(fn.Properties?.FunctionName)).toBe(http);
      if (http) expect(JSON.stringify(variables.AUTH_JWKS_URL)).toContain('/.well-known/jwks.json');
    }
  });

  it('sets a table variable exactly when the table is granted, and the mail variables with the SES grant', () => {
    dev.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'dev-tp-dailyRun',
      Environment: {
        Variables: Match.objectLike({
          DEADLINES_TABLE_NAME: Match.anyValue(),
          OUTBOX_TABLE_NAME: Match.anyValue(),
          MAIL_FROM_ADDRESS: 'ne-pas-repondre@dev.tp-sessions.example.org',
          SES_CONFIGURATION_SET: Match.anyValue(),
          MAIL_DLQ_URL: Match.anyValue(),
        }),
      },
    });
    const mailRetry = resourcesOfType(json(dev), 'AWS::Lambda::Function').find(([, fn]) => fn.Properties?.FunctionName === 'dev-tp-mailRetry')?.[1];
    const mailRetryVariables = Object.keys((mailRetry?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables);
    expect(mailRetryVariables).toContain('MAIL_FROM_ADDRESS');
    expect(mailRetryVariables).not.toContain('MAIL_DLQ_URL');
    const httpEcho = resourcesOfType(json(dev), 'AWS::Lambda::Function').find(([, fn]) => fn.Properties?.FunctionName === 'dev-tp-httpEcho')?.[1];
    const variables = Object.keys((httpEcho?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables);
    expect(variables.filter((name) => name.endsWith('_TABLE_NAME'))).toEqual(['VIEWS_TABLE_NAME']);
    expect(variables).not.toContain('PV_BUCKET_NAME');
    expect(variables).not.toContain('MAIL_FROM_ADDRESS');
  });

  it('lets only the functions declaring mailRetryQueue put mails on the retry queue: the daily run may, the retry function (its consumer) may not; both may send through SES', () => {
    for (const [, s] of stages()) {
      const queueId = resourcesOfType(json(s), 'AWS::SQS::Queue').find(([, q]) => String(q.Properties?.QueueName).endsWith('-tp-mail-retry'))?.[0] ?? 'missing';
      const roleOf = (name: string) => resourcesOfType(json(s), 'AWS::IAM::Role').find(([id]) => id.startsWith(`Functions${name}Role`))?.[0] ?? `missing ${name}`;
      const statements = resourcesOfType(json(s), 'AWS::IAM::Policy').flatMap(([, policy]) =>
        (policy.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement.map((statement) => ({
          roles: policy.Properties?.Roles,
          statement,
        })),
      );
      const granting = (action: string, roleId: string) => statements.filter(({ roles, statement }) => refersTo(roles, roleId) && [statement.Action].flat().includes(action));
      const enqueues = (roleId: string) => granting('sqs:SendMessage', roleId).some(({ statement }) => refersTo(statement.Resource, queueId));
      expect(enqueues(roleOf('dailyRun'))).toBe(true);
      expect(enqueues(roleOf('mailRetry'))).toBe(false);
      for (const name of ['dailyRun', 'mailRetry']) expect(granting('ses:SendEmail', roleOf(name)), name).toHaveLength(1);
      // No other role of the stack may write to the queue either (its consumer's event source only reads and deletes).
      const writers = statements.filter(({ statement }) => [statement.Action].flat().includes('sqs:SendMessage') && refersTo(statement.Resource, queueId));
      expect(writers.map(({ roles }) => JSON.stringify(roles))).toEqual([JSON.stringify([{ Ref: roleOf('dailyRun') }])]);
    }
  });

  it("gives the stage's retention periods to the functions that declare them (the purge's kind), and to no other", () => {
    const variables = (s: Synthesized, name: string) =>
      (
        resourcesOfType(json(s), 'AWS::Lambda::Function').find(([, fn]) => fn.Properties?.FunctionName === name)?.[1].Properties?.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
    const retention = (vars: Record<string, unknown>) => Object.fromEntries(Object.entries(vars).filter(([key]) => key.startsWith('RETENTION_')));
    expect(retention(variables(dev, 'dev-tp-dailyRun'))).toEqual({
      RETENTION_PERSONAL_DATA_DAYS: '730',
      RETENTION_PV_DAYS: String(dev.stack.settings.pvPurgeAfter.toDays()),
      RETENTION_QUARANTINE_DAYS: '7',
      RETENTION_CATCH_UP_DAYS: '31',
    });
    expect(retention(variables(prod, 'prod-tp-dailyRun'))).toMatchObject({ RETENTION_PV_DAYS: '1825', RETENTION_QUARANTINE_DAYS: '30' });
    // The intake no longer locks quarantine copies: it needs no retention period.
    for (const name of ['httpEcho', 'streamReactor', 'pvIntake', 'mailRetry', 'mailFeedback']) expect(retention(variables(dev, `dev-tp-${name}`)), name).toEqual({});
  });

  it("grants the intake exactly its declared objects: read, list and delete uploads, write quarantine/ and the vault's pv/; no role may lock, tag or bypass a lock", () => {
    for (const [, s] of stages()) {
      expect(s3GrantsOf(json(s), 'pvIntake')).toEqual([
        's3:DeleteObject uploads/pv/*',
        's3:GetObject uploads/pv/*',
        's3:ListBucket uploads if s3:prefix pv/*',
        's3:PutObject uploads/quarantine/*',
        's3:PutObject vault/pv/*',
      ]);
      const actions = resourcesOfType(json(s), 'AWS::IAM::Policy').flatMap(([, policy]) =>
        (policy.Properties?.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((statement) => [statement.Action].flat()),
      );
      for (const action of ['s3:PutObjectRetention', 's3:PutObjectVersionTagging', 's3:PutObjectTagging', 's3:BypassGovernanceRetention']) expect(actions).not.toContain(action);
      const intake = resourcesOfType(json(s), 'AWS::Lambda::Function').find(([, fn]) => String(fn.Properties?.FunctionName).endsWith('-tp-pvIntake'))?.[1];
      expect(Object.keys((intake?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables)).toEqual(
        expect.arrayContaining(['UPLOAD_BUCKET_NAME', 'PV_BUCKET_NAME']),
      );
    }
  });

  it('feeds stream consumers only the commits carrying their event types, in bounded batches with bisection, partial failures, bounded retries and an encrypted DLQ', () => {
    const [, mapping] = resourcesOfType(json(dev), 'AWS::Lambda::EventSourceMapping').find(([, m]) => JSON.stringify(m.Properties?.EventSourceArn).includes('StreamArn')) ?? [];
    expect(mapping?.Properties).toMatchObject({
      BatchSize: 25,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 5,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    const filters = (mapping?.Properties?.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern) as unknown)).toEqual([{ dynamodb: { NewImage: { [COMMIT_EVENT_TYPES_ATTRIBUTE]: { SS: ['SessionCreated', 'PVSigned'] } } } }]);
    const dlqArn = JSON.stringify((mapping?.Properties?.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination);
    const dlqId = /"Fn::GetAtt":\["([^"]+)"/.exec(dlqArn)?.[1] ?? 'missing';
    expect(json(dev).Resources[dlqId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
  });

  it('runs the daily function with EventBridge Scheduler in Europe/Paris, with retries and a dead-letter queue', () => {
    dev.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 7 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 }, DeadLetterConfig: { Arn: Match.anyValue() } },
    });
  });

  it('invokes the PV intake on ObjectCreated under its prefix of the upload bucket, with S3 allowed only from that bucket of this account; the vault notifies nobody', () => {
    const permissions = resourcesOfType(json(dev), 'AWS::Lambda::Permission').filter(([, p]) => p.Properties?.Principal === 's3.amazonaws.com');
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.[1].Properties).toMatchObject({
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: { 'Fn::Join': ['', expect.arrayContaining([expect.stringMatching(/:s3:::dev-tp-uploads-$/)])] },
    });
    const bucket = (prefix: string) => resourcesOfType(json(dev), 'AWS::S3::Bucket').find(([id]) => id.startsWith(prefix))?.[1];
    expect(bucket('UploadBucket')?.Properties?.NotificationConfiguration).toMatchObject({
      LambdaConfigurations: [{ Event: 's3:ObjectCreated:*', Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'pv/' }] } } }],
    });
    expect(bucket('PvBucket')?.Properties?.NotificationConfiguration).toBeUndefined();
  });

  it('consumes the mail retry queue with partial batch responses; the queue has its own dead-letter queue', () => {
    dev.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MailRetryQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    dev.template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'dev-tp-mail-retry',
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MailRetryDlq'), 'Arn'] }, maxReceiveCount: 5 },
    });
    const queue = resourcesOfType(json(dev), 'AWS::SQS::Queue').find(([, q]) => q.Properties?.QueueName === 'dev-tp-mail-retry')?.[1];
    const consumerTimeout = Math.max(...fixtureDeclarations.filter((d) => d.trigger.kind === 'queue').map((d) => d.timeoutSeconds ?? 10));
    expect(Number(queue?.Properties?.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * consumerTimeout);
  });
});

describe('SES v2 and mail feedback', () => {
  it('declares the sending domain and a configuration set whose bounces and complaints reach mailFeedback through EventBridge', () => {
    dev.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'dev.tp-sessions.example.org' });
    for (const n of [1, 2, 3]) dev.template.hasOutput(`MailDkim${n}`, { Value: Match.anyValue() });
    dev.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: { Enabled: true, MatchingEventTypes: ['bounce', 'complaint'], EventBridgeDestination: Match.anyValue() },
    });
    const feedbackId = resourcesOfType(json(dev), 'AWS::Lambda::Function').find(([, fn]) => fn.Properties?.FunctionName === 'dev-tp-mailFeedback')?.[0] ?? 'missing';
    const [, rule] = resourcesOfType(json(dev), 'AWS::Events::Rule')[0] ?? [];
    expect(rule?.Properties?.EventPattern).toMatchObject({ source: ['aws.ses'], 'detail-type': ['Email Bounced', 'Email Complaint Received'] });
    const [target] = rule?.Properties?.Targets as { Arn: unknown; DeadLetterConfig?: unknown; RetryPolicy?: unknown }[];
    expect(refersTo(target?.Arn, feedbackId)).toBe(true);
    expect(target?.DeadLetterConfig).toBeDefined();
  });
});

describe('alarms', () => {
  it('watches every dead-letter queue, every function error and throttle, and notifies an encrypted operators topic', () => {
    for (const [, s] of stages()) {
      const template = json(s);
      const topicId = resourcesOfType(template, 'AWS::SNS::Topic')[0]?.[0] ?? 'missing';
      expect(resourcesOfType(template, 'AWS::SNS::Topic')[0]?.[1].Properties?.KmsMasterKeyId).toBeDefined();
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
      for (const alarm of alarms) expect(refersTo(alarm.AlarmActions, topicId)).toBe(true);
      const dlqs = resourcesOfType(template, 'AWS::SQS::Queue').filter(([, q]) => String(q.Properties?.QueueName).endsWith('-dlq'));
      expect(dlqs.length).toBeGreaterThanOrEqual(6);
      for (const [dlqId] of dlqs) {
        expect(
          alarms.some((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && refersTo(a.Dimensions, dlqId)),
          dlqId,
        ).toBe(true);
      }
      for (const [fnId] of resourcesOfType(template, 'AWS::Lambda::Function')) {
        for (const metric of ['Errors', 'Throttles'])
          expect(
            alarms.some((a) => a.MetricName === metric && refersTo(a.Dimensions, fnId)),
            `${fnId} ${metric}`,
          ).toBe(true);
      }
    }
    prod.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'exploitation@example.org' });
  });
});

describe('cdk-nag AwsSolutions and least privilege', () => {
  it('leaves no unacknowledged error or warning from any validation plugin (synth would throw on a cdk-nag error)', () => {
    for (const [, s] of stages()) {
      const findings = s.report.flatMap((plugin) => plugin.violations.map((v) => `${plugin.pluginName}: ${v.ruleName} (${v.severity})`));
      expect(findings).toEqual([]);
    }
  });

  it('acknowledges each cdk-nag rule on one named resource, with a specific reason that names it', () => {
    const normalize = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
    const acknowledgments = dev.stack.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        .filter(([id]) => id.includes('AwsSolutions'))
        .map(([id, reason]) => ({ id, reason, path: construct.node.path, isStack: construct === dev.stack })),
    );
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const ack of acknowledgments) {
      expect(ack.isStack, `${ack.id} must not be acknowledged for the whole stack`).toBe(false);
      expect(ack.reason.length, ack.id).toBeGreaterThan(60);
      const named = ack.reason.split(':')[0] ?? '';
      expect(normalize(ack.path).includes(normalize(named)) && named.length > 2, `${ack.path}: "${ack.reason}"`).toBe(true);
    }
  });

  type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
  const identityStatements = (template: CfnTemplate): { owner: string; statement: Statement }[] => [
    ...resourcesOfType(template, 'AWS::IAM::Policy').flatMap(([id, policy]) =>
      (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({ owner: id, statement })),
    ),
    ...resourcesOfType(template, 'AWS::IAM::Role').flatMap(([id, role]) =>
      ((role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) =>
        p.PolicyDocument.Statement.map((statement) => ({ owner: id, statement })),
      ),
    ),
  ];
  const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
  /** Actions that have no resource-level permissions: AWS itself requires `"Resource": "*"`. */
  const forcedStar = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams']);

  it('grants no identity policy statement a wildcard action', () => {
    for (const [, s] of stages()) {
      const statements = identityStatements(json(s));
      expect(statements.length).toBeGreaterThan(10);
      for (const { owner, statement } of statements) for (const action of list(statement.Action)) expect(action, owner).not.toContain('*');
    }
  });

  it('uses a wildcard resource only where AWS forces it, or for objects under one declared prefix, whose keys are chosen at run time', () => {
    for (const [stage, s] of stages()) {
      const managedPolicies = resourcesOfType(json(s), 'AWS::IAM::Role').flatMap(([, role]) => (role.Properties?.ManagedPolicyArns ?? []) as unknown[]);
      expect(managedPolicies).toEqual([]);
      for (const { owner, statement } of identityStatements(json(s))) {
        for (const resource of list(statement.Resource)) {
          const text = JSON.stringify(resource);
          if (resource === '*') {
            for (const action of list(statement.Action)) expect(forcedStar.has(action), `${owner}: ${action} on *`).toBe(true);
          } else if (text.includes('*')) {
            // dev alone may send to every verified identity: the SES sandbox checks each recipient's too.
            if (stage === 'dev' && text.endsWith(':identity/*"]]}')) continue;
            expect(text, owner).toMatch(new RegExp(`:s3:::${stage}-tp-(pv|uploads)-.*/[a-z-]+/\\*"\\]\\]\\}$`));
          }
        }
      }
    }
  });
});

describe('deployment settings: app URL, sign-in, directory, SES sandbox, operations', () => {
  const variablesOf = (s: Synthesized, name: string) =>
    (
      resourcesOfType(json(s), 'AWS::Lambda::Function').find(([, fn]) => fn.Properties?.FunctionName === name)?.[1].Properties?.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
  const client = (s: Synthesized) => resourcesOfType(json(s), 'AWS::Cognito::UserPoolClient')[0]?.[1].Properties ?? {};

  it("without a domain, sends the Cognito callback and the links in mails to the API's own URL, which answers", () => {
    const apiId = resourcesOfType(json(dev), 'AWS::ApiGatewayV2::Api')[0]?.[0] ?? 'missing';
    expect(resourcesOfType(json(dev), 'AWS::ApiGatewayV2::DomainName')).toEqual([]);
    expect(refersTo(variablesOf(dev, 'dev-tp-httpEcho').APP_URL, apiId)).toBe(true);
    expect(variablesOf(dev, 'dev-tp-httpEcho').APP_URL).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    expect(refersTo(client(dev).CallbackURLs, apiId)).toBe(true);
    expect(JSON.stringify(client(dev).CallbackURLs)).toContain('/auth/callback');
    dev.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'tp-sessions-dev' });
  });

  it('with domainName and certificateArn, maps the API to that domain and sends sign-in and mails there; the hosted-UI prefix comes from the context', () => {
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: prodContext.domainName,
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: prodContext.certificateArn, SecurityPolicy: 'TLS_1_2' })],
    });
    const stageId = resourcesOfType(json(prod), 'AWS::ApiGatewayV2::Stage')[0]?.[0] ?? 'missing';
    const [, mapping] = resourcesOfType(json(prod), 'AWS::ApiGatewayV2::ApiMapping')[0] ?? [];
    expect(mapping?.Properties?.Stage).toBe('$default');
    // Created once the stage exists, which a mapping to "$default" needs.
    expect([mapping?.DependsOn].flat()).toContain(stageId);
    expect(variablesOf(prod, 'prod-tp-httpEcho').APP_URL).toBe('https://sessions.example.fr');
    expect(client(prod).CallbackURLs).toEqual(['https://sessions.example.fr/auth/callback']);
    prod.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'tp-sessions-ministere' });
    expect(JSON.stringify(variablesOf(prod, 'prod-tp-httpEcho').AUTH_HOSTED_UI_URL)).toContain('tp-sessions-ministere.auth.');
  });

  it('gives the directory file of the context to the functions declaring unitDirectory, and to no other', () => {
    expect(variablesOf(prod, 'prod-tp-httpEcho').UNIT_DIRECTORY_FILE).toBe('unit-directory.json');
    expect(variablesOf(prod, 'prod-tp-dailyRun').UNIT_DIRECTORY_FILE).toBeUndefined();
    expect(variablesOf(dev, 'dev-tp-httpEcho').UNIT_DIRECTORY_FILE).toBeUndefined();
  });

  it('lets dev send to the verified identities of the account (the SES sandbox checks each recipient), and prod only as its domain', () => {
    const sesResources = (s: Synthesized) =>
      resourcesOfType(json(s), 'AWS::IAM::Policy').flatMap(([, policy]) =>
        (policy.Properties?.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement.filter((st) =>
          JSON.stringify(st.Action).includes('ses:SendEmail'),
        ).map((st) => JSON.stringify(st.Resource)),
      );
    expect(sesResources(dev).length).toBeGreaterThan(0);
    for (const resources of sesResources(dev)) expect(resources).toContain(':identity/*');
    for (const resources of sesResources(prod)) expect(resources).not.toContain('identity/*');
  });

  it('names no log group and no secret in dev, so a destroyed dev stage can be deployed again at once', () => {
    for (const [id, group] of resourcesOfType(json(dev), 'AWS::Logs::LogGroup')) expect(group.Properties?.LogGroupName, id).toBeUndefined();
    for (const [id, secret] of resourcesOfType(json(dev), 'AWS::SecretsManager::Secret')) expect(secret.Properties?.Name, id).toBeUndefined();
    expect(resourcesOfType(json(prod), 'AWS::Logs::LogGroup').some(([, group]) => String(group.Properties?.LogGroupName).startsWith('/aws/lambda/prod-tp-'))).toBe(true);
  });

  it('alarms on the API 5xx and p95 latency and on the SES bounce and complaint rates below the levels where SES reviews the account, and draws one dashboard', () => {
    for (const [, s] of stages()) {
      const alarms = resourcesOfType(json(s), 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
      const apiId = resourcesOfType(json(s), 'AWS::ApiGatewayV2::Api')[0]?.[0] ?? 'missing';
      expect(alarms.some((a) => a.MetricName === '5xx' && refersTo(a.Dimensions, apiId))).toBe(true);
      expect(alarms.some((a) => a.MetricName === 'Latency' && a.ExtendedStatistic === 'p95' && refersTo(a.Dimensions, apiId))).toBe(true);
      expect(alarms.find((a) => a.MetricName === 'Reputation.BounceRate')?.Threshold).toBeLessThan(0.05);
      expect(alarms.find((a) => a.MetricName === 'Reputation.ComplaintRate')?.Threshold).toBeLessThan(0.001);
      expect(resourcesOfType(json(s), 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
    }
  });
});
