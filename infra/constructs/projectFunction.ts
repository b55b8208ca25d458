import path from 'node:path';
import { AssetHashType, DockerImage, Duration, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Access, BucketName, FunctionDeclaration, ObjectAction, ObjectGrant } from '../../shared/platform/declarations.js';
import { bucketEnv, ENV, secretEnv, tableEnv, type SecretName } from '../../shared/platform/env.js';
import { DIRECTORY_FILE_ENV, DIRECTORY_FILE_NAME } from '../../shared/directory/directory.js';
import type { TableName } from '../../shared/platform/tables.js';
import { BUNDLE_ENTRY_FILE, bundleFunction } from '../bundling.js';

export interface ProjectFunctionProps {
  readonly declaration: FunctionDeclaration;
  /** Physical function name (stage-prefixed). */
  readonly functionName: string;
  /** Repository root: entries are resolved from it and the lock file is found there. */
  readonly projectRoot: string;
  readonly logRetention: RetentionDays;
  /**
   * Whether the log group gets the conventional fixed name `/aws/lambda/<function>` (prod). A
   * stage that is destroyed and deployed again (dev) leaves CloudFormation to name it: a group with
   * the fixed name may outlive the stack (Lambda creates it again on a late write) and make the
   * next deploy fail on "already exists".
   */
  readonly namedLogGroup: boolean;
  readonly removalPolicy: RemovalPolicy;
  /**
   * The deployment's directory of units, validated at synth: copied into the function's package
   * and named by `UNIT_DIRECTORY_FILE` (shared/directory). Only for functions declaring `unitDirectory`.
   */
  readonly directoryFile?: string;
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

/** A bucket, named without a reference to it (see the stack), its key and whether it keeps versions. */
export interface BucketBinding {
  readonly bucketArn: string;
  readonly bucketName: string;
  readonly key: IKey;
  /** Versioned (the vault): reading or deleting a given version needs the `*Version` actions too. */
  readonly versioned: boolean;
  /** How cdk-nag prints the bucket's ARN, to acknowledge exactly the `<arn>/<prefix>*` findings. */
  readonly nagBucketArn: string;
}

/** What a mail-sending function needs: the SES identity and configuration set, and the retry queue for those that put mails on it. */
export interface MailBinding {
  /**
   * The identities it may send as and to: the project's domain; in the dev sandbox also every
   * verified identity of the account (`identity/*`), since there SES checks the permission against
   * each recipient's identity too.
   */
  readonly identityArns: readonly string[];
  /** How cdk-nag prints the sandbox's `identity/*`, to acknowledge exactly that finding (dev only). */
  readonly nagSandboxIdentities?: string;
  readonly configurationSetArn: string;
  readonly configurationSetName: string;
  readonly from: string;
  readonly retryQueue: IQueue;
}

/**
 * The function's package, built at synth by the local esbuild (infra/bundling.ts: an ES module
 * with its lazily loaded chunks and source maps), never in Docker; the directory of units, when
 * declared, is shipped beside it. Its hash is the output's, so an unchanged bundle is not uploaded
 * again. When the stack's bundling is skipped (tests that only read the template), CDK stages
 * nothing and names the asset after the construct.
 */
const bundledCode = (entry: string, projectRoot: string, directoryFile: string | undefined) =>
  Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type, never pulled: the local bundling below always succeeds or throws.
      image: DockerImage.fromRegistry('local-esbuild-only'),
      local: {
        tryBundle(outputDir: string) {
          bundleFunction(entry, outputDir, projectRoot, { minify: true, sourcemap: true, ...(directoryFile ? { shipFiles: { [DIRECTORY_FILE_NAME]: directoryFile } } : {}) });
          return true;
        },
      },
    },
  });

/**
 * One Lambda function of the project, with the defaults every function shares: Node 24 on arm64,
 * an esbuild ES-module bundle (minified, split into lazily loaded chunks, source maps, built with
 * the local esbuild, never Docker),
 * its own log group with a retention, X-Ray tracing and a role that starts empty.
 *
 * Access is only ever added through the `bind*` methods, each of which grants the least that the
 * declared access needs and sets the environment variable the function reads, so a function cannot
 * know a table's name without being allowed to use it, nor the reverse.
 */
export class ProjectFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  readonly declaration: FunctionDeclaration;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    super(scope, id);
    const { declaration } = props;
    this.declaration = declaration;

    this.logGroup = new LogGroup(this, 'Logs', {
      ...(props.namedLogGroup ? { logGroupName: `/aws/lambda/${props.functionName}` } : {}),
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

    this.function = new LambdaFunction(this, 'Function', {
      functionName: props.functionName,
      description: declaration.description.slice(0, 256),
      code: bundledCode(path.resolve(props.projectRoot, declaration.entry), props.projectRoot, props.directoryFile),
      handler: `${path.basename(BUNDLE_ENTRY_FILE, '.mjs')}.handler`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: declaration.memoryMb ?? 512,
      timeout: Duration.seconds(declaration.timeoutSeconds ?? 10),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      // No NODE_OPTIONS=--enable-source-maps: it parses every chunk's map at load (9 to 12 ms of a
      // cold start). Stack traces still name the TypeScript sources: shared/platform/stackTrace.ts
      // reads a map when an error is logged.
      environment: {
        ...props.environment,
        ...(props.directoryFile ? { [DIRECTORY_FILE_ENV]: DIRECTORY_FILE_NAME } : {}),
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
        actions: access === 'readwrite' ? [...read, ...write] : access === 'append' ? [...read, 'dynamodb:PutItem'] : read,
        resources: [table.tableArn, ...table.indexNames.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
    this.allowKey(table.key, access);
    this.function.addEnvironment(tableEnv[name], table.tableName);
    return this;
  }

  /**
   * Grants exactly the declared object actions under each declared prefix of one bucket, and sets
   * its name variable. Object keys are chosen at run time (one per upload), hence `<prefix>*`.
   * `list` is `s3:ListBucket` on the bucket, conditioned on `s3:prefix`: without it S3 answers 403,
   * not 404, for a missing key, and a function that reads keys which may be missing (a digest not
   * written yet, an upload already moved) cannot tell "absent" from "forbidden".
   */
  bindObjects(bucket: BucketName, binding: BucketBinding, grants: readonly ObjectGrant[]): this {
    const objectActions: Record<Exclude<ObjectAction, 'list'>, readonly string[]> = {
      read: binding.versioned ? ['s3:GetObject', 's3:GetObjectVersion'] : ['s3:GetObject'],
      write: ['s3:PutObject'],
      // Object Lock still refuses deleting a locked version, whatever this role may do.
      delete: binding.versioned ? ['s3:DeleteObject', 's3:DeleteObjectVersion'] : ['s3:DeleteObject'],
    };
    for (const grant of grants) {
      if (!/^[a-z0-9-]+\/$/.test(grant.prefix)) throw new Error(`${this.declaration.name}: S3 prefix "${grant.prefix}" must be a folder such as "pv/"`);
      const actions = grant.actions.flatMap((action) => (action === 'list' ? [] : objectActions[action]));
      if (actions.length > 0) {
        this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [`${binding.bucketArn}/${grant.prefix}*`] }));
        Validations.of(this.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${binding.nagBucketArn}/${grant.prefix}*]`,
          reason: `${this.node.id}: ${this.declaration.name} handles ${bucket} objects whose keys are chosen at run time (one per upload or day): limited to the ${grant.prefix} prefix and to ${grant.actions.join(', ')}.`,
        });
      }
      if (grant.actions.includes('list')) {
        this.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['s3:ListBucket'], resources: [binding.bucketArn], conditions: { StringLike: { 's3:prefix': [`${grant.prefix}*`] } } }),
        );
      }
    }
    const writes = grants.some((grant) => grant.actions.includes('write'));
    const reads = grants.some((grant) => grant.actions.includes('read'));
    if (writes || reads) this.allowKey(binding.key, writes ? 'readwrite' : 'read');
    this.function.addEnvironment(bucketEnv[bucket], binding.bucketName);
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
        resources: [...mail.identityArns, mail.configurationSetArn],
      }),
    );
    if (mail.nagSandboxIdentities) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${mail.nagSandboxIdentities}]`,
        reason: `${this.node.id}: dev runs in the SES sandbox, where SES checks ses:SendEmail against each recipient's verified identity as well as the sender's: sending to the identities verified for testing needs identity/* of this account. Not granted in prod.`,
      });
    }
    this.function.addEnvironment(ENV.MAIL_FROM, mail.from);
    this.function.addEnvironment(ENV.SES_CONFIGURATION_SET, mail.configurationSetName);
    return this;
  }

  /**
   * Allows reading one secret (and decrypting it with its key), and sets the variable holding its
   * ARN. The value never enters the configuration: the function reads it from Secrets Manager
   * (shared/platform/secrets.ts).
   */
  bindSecret(name: SecretName, secret: { readonly secretArn: string; readonly key: IKey }): this {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    this.allowKey(secret.key, 'read');
    this.function.addEnvironment(secretEnv[name], secret.secretArn);
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
    const actions = access !== 'read' ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt', 'kms:DescribeKey'];
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [key.keyArn] }));
  }
}
