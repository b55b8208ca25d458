import { CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionDeclaration } from '../shared/platform/declarations.js';
import type { TableName } from '../shared/platform/tables.js';
import type { ProjectFunction } from './constructs/projectFunction.js';
import { buildFunctions, wireObjectTriggers } from './parts/functions.js';
import { buildHttpEdge, wireHttpRoutes } from './parts/httpEdge.js';
import { buildIdentity } from './parts/identity.js';
import { buildMail, wireSesFeedback } from './parts/mail.js';
import { Operations } from './parts/operations.js';
import { buildTables } from './parts/tables.js';
import { allowUploadsFrom, buildBuckets } from './parts/vault.js';
import { resourceName, type StageSettings } from './settings.js';

export interface TpSessionsStackProps extends StackProps {
  readonly settings: StageSettings;
  /** The functions to build: `functionDeclarations` in the app, fixtures in tests. */
  readonly declarations: readonly FunctionDeclaration[];
  readonly projectRoot: string;
}

/** Attribute of the commit item listing its event types, on which stream filters match (see ./streamFilter.ts). */
export { COMMIT_EVENT_TYPES_ATTRIBUTE } from '../shared/eventStore/records.js';

/**
 * The whole system for one stage, built from the project's declarations: the tables from
 * `shared/platform/tables.ts`, one Lambda per entry of the function registry with its trigger and
 * grants, and what they rely on. Each part lives in `./parts/`: operations (alarm topic, alarms,
 * dead letters, dashboard), tables, vault (PV buckets), HTTP edge (API, domain, routes), identity
 * (Cognito), mail (SES, retry queue, feedback) and functions (grants and triggers). The parts build
 * into the stack's own scope, so every resource keeps the logical id it had when this was one class:
 * wrapping them in constructs would rename, hence replace, the tables, buckets and user pool.
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
  readonly mailRetryQueue: IQueue;
  readonly functions: ReadonlyMap<string, ProjectFunction>;

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

    const operations = new Operations(this, settings);
    this.alarmTopic = operations.alarmTopic;
    this.tables = buildTables(this, settings, this.dataKey);
    const buckets = buildBuckets(this, settings, this.dataKey);
    this.pvBucket = buckets.vault;
    this.uploadBucket = buckets.uploads;
    const { api, appUrl } = buildHttpEdge(this, settings);
    this.api = api;
    this.appUrl = appUrl;
    const identity = buildIdentity(this, settings, appUrl);
    this.userPool = identity.userPool;
    this.webClient = identity.webClient;
    allowUploadsFrom(this.uploadBucket, appUrl);
    const mail = buildMail(this, settings, operations, props.declarations);
    this.mailRetryQueue = mail.retryQueue;

    // No fixed name: a deleted secret's name stays reserved for up to 30 days, and a re-created stage
    // would collide with it. Functions get its ARN.
    const cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'HMAC key that signs the opaque pagination cursors of tp-sessions.',
      encryptionKey: this.dataKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: settings.removalPolicy,
    });
    Validations.of(cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CursorSecret: signs pagination cursors that live for minutes; rotating it only invalidates the cursors in flight, so it is rotated by redeploying with a new secret rather than by a rotation Lambda.',
    });

    // Parent of the functions, so a function's name never collides with another construct's id.
    this.functions = buildFunctions(
      new Construct(this, 'Functions'),
      { settings, projectRoot: props.projectRoot, operations, dataKey: this.dataKey, tables: this.tables, secrets: { cursor: cursorSecret }, mail, identity, appUrl },
      props.declarations,
    );
    wireHttpRoutes(api, identity, this.functions.values());
    wireObjectTriggers(settings, buckets, this.functions.values());
    wireSesFeedback(this, settings, operations, mail, this.functions.values());
    operations.watch(api, [...this.functions.values()]);

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    new CfnOutput(this, 'AppUrl', { description: 'Pages, Cognito callback and links in mails', value: appUrl });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'WebClientId', { value: this.webClient.userPoolClientId });
    new CfnOutput(this, 'PvBucketName', { value: this.pvBucket.bucketName });
    new CfnOutput(this, 'UploadBucketName', { value: this.uploadBucket.bucketName });
  }
}
