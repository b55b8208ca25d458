import path from 'node:path';
import { Duration, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Access, FunctionDeclaration } from '../../shared/platform/declarations.js';
import { ENV, tableEnv } from '../../shared/platform/env.js';
import type { TableName } from '../../shared/platform/tables.js';
import { bundleTarget, esmRequireBanner, externalModules, mainFields } from '../bundling.js';

export interface ProjectFunctionProps {
  readonly declaration: FunctionDeclaration;
  /** Physical function name (stage-prefixed). */
  readonly functionName: string;
  /** Repository root: entries are resolved from it and the lock file is found there. */
  readonly projectRoot: string;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Variables every function gets (stage, app URL). */
  readonly environment: Readonly<Record<string, string>>;
}

/** A table as a function is bound to it: its ARN, name, index names and key. */
export interface TableBinding {
  readonly tableArn: string;
  readonly tableName: string;
  readonly indexNames: readonly string[];
  readonly key: IKey;
}

/** The PV bucket, named without a reference to it (see the stack) and its key. */
export interface BucketBinding {
  readonly bucketArn: string;
  readonly bucketName: string;
  readonly key: IKey;
  /** How cdk-nag prints `${bucketArn}/*`, to acknowledge exactly that finding. */
  readonly nagObjectsResource: string;
}

/** What a mail-sending function needs: the SES identity and configuration set, and the retry queue for those that put mails on it. */
export interface MailBinding {
  readonly identityArn: string;
  readonly configurationSetArn: string;
  readonly configurationSetName: string;
  readonly from: string;
  readonly retryQueue: IQueue;
}

/**
 * One Lambda function of the project, with the defaults every function shares: Node 24 on arm64,
 * an esbuild ES-module bundle (minified, source maps, built with the local esbuild, never Docker),
 * its own log group with a retention, X-Ray tracing and a role that starts empty.
 *
 * Access is only ever added through the `bind*` methods, each of which grants the least that the
 * declared access needs and sets the environment variable the function reads, so a function cannot
 * know a table's name without being allowed to use it, nor the reverse.
 */
export class ProjectFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  readonly declaration: FunctionDeclaration;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    super(scope, id);
    const { declaration } = props;
    this.declaration = declaration;

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // A role of our own rather than the default one, which carries the AWS managed
    // AWSLambdaBasicExecutionRole (logs on every log group of the account).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Role of ${props.functionName}: only what its declaration binds.`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: declaration.description.slice(0, 256),
      entry: path.resolve(props.projectRoot, declaration.entry),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: declaration.memoryMb ?? 512,
      timeout: Duration.seconds(declaration.timeoutSeconds ?? 10),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      // Stack traces in the logs point at the TypeScript sources.
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: bundleTarget,
        mainFields,
        externalModules,
        banner: esmRequireBanner,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
      },
    });
    this.function.node.addDependency(this.logGroup);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${id}: active tracing of ${props.functionName}: xray:PutTraceSegments and xray:PutTelemetryRecords${declaration.trigger.kind === 'stream' ? ', and dynamodb:ListStreams that the stream event source mapping needs,' : ''} have no resource-level permissions: AWS requires Resource "*". No other statement of this role uses "*" (checked by test/infra).`,
    });
  }

  /**
   * Grants the declared access to one table and its indexes, with the actions listed one by one
   * (CDK's `grantReadData` adds `kms:ReEncrypt*`-style wildcards), and sets its name variable.
   */
  bindTable(name: TableName, table: TableBinding, access: Access): this {
    const read = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'];
    // TransactWriteItems is authorized through Put/Update/Delete/ConditionCheckItem.
    const write = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'];
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: access === 'readwrite' ? [...read, ...write] : read,
        resources: [table.tableArn, ...table.indexNames.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
    this.allowKey(table.key, access);
    this.function.addEnvironment(tableEnv[name], table.tableName);
    return this;
  }

  /**
   * Grants the PV bucket's objects: read (get, versions, retention) or read-write (put, delete), and
   * sets its name variable. Object keys are chosen at run time, hence `bucket/*`.
   */
  bindPvBucket(bucket: BucketBinding, access: Access): this {
    const read = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:GetObjectVersionAttributes', 's3:GetObjectRetention'];
    // Delete too: the PV intake moves a rejected upload to quarantine (copy then delete) and the
    // retention purge deletes PVs past their period. Object Lock still refuses any deletion of a
    // locked version, whatever this role may do.
    const write = ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'];
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: access === 'readwrite' ? [...read, ...write] : read, resources: [`${bucket.bucketArn}/*`] }),
    );
    this.allowKey(bucket.key, access);
    this.function.addEnvironment(ENV.PV_BUCKET, bucket.bucketName);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${bucket.nagObjectsResource}]`,
      reason: `${this.node.id}: ${this.declaration.name} handles PV objects whose keys are chosen at run time (one per upload): access is limited to the PV bucket's objects and to the listed actions.`,
    });
    return this;
  }

  /**
   * Allows sending through the project's SES identity and configuration set only; sets the sender
   * and the configuration set. The retry queue is a separate grant (`bindMailRetryQueue`).
   */
  bindMail(mail: MailBinding): this {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [mail.identityArn, mail.configurationSetArn],
      }),
    );
    this.function.addEnvironment(ENV.MAIL_FROM, mail.from);
    this.function.addEnvironment(ENV.SES_CONFIGURATION_SET, mail.configurationSetName);
    return this;
  }

  /**
   * Allows putting a mail SES keeps refusing on the retry queue, and nothing else on it; sets its
   * URL. Only for the functions that enqueue: the retry function consumes the queue (its event
   * source grants that) and never writes to it.
   */
  bindMailRetryQueue(retryQueue: IQueue): this {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [retryQueue.queueArn] }));
    this.function.addEnvironment(ENV.MAIL_DLQ_URL, retryQueue.queueUrl);
    return this;
  }

  private allowKey(key: IKey, access: Access): void {
    const actions = access === 'readwrite' ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt', 'kms:DescribeKey'];
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [key.keyArn] }));
  }
}
