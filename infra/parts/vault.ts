import { Aws, Duration, Token, Validations } from 'aws-cdk-lib';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectLockRetention, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { BucketName } from '../../shared/platform/declarations.js';
import { PV_PREFIX, QUARANTINE_PREFIX } from '../../shared/vault/keys.js';
import { QUEUE_RETENTION_DAYS } from '../constructs/secureQueue.js';
import { bucketSuffix, originOf, uploadCorsRule } from '../buckets.js';
import { resourceName, type StageSettings } from '../settings.js';

/**
 * Fixed so that grants and the S3 notification permission can name the bucket without
 * referencing it: the bucket depends on the permission, so the permission cannot depend on it.
 */
export const bucketName = (settings: StageSettings, bucket: BucketName): string => `${resourceName(settings, bucketSuffix[bucket])}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

/** The PV buckets: the locked vault, the upload area the browser PUTs to, and their access logs. */
export const buildBuckets = (scope: Construct, settings: StageSettings, dataKey: Key): Record<BucketName, Bucket> => {
  const accessLogs = new Bucket(scope, 'PvAccessLogs', {
    // S3 server access logging cannot write to an SSE-KMS bucket: this one uses S3-managed keys.
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    removalPolicy: settings.removalPolicy,
    lifecycleRules: [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
  });
  Validations.of(accessLogs).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'PvAccessLogs: the access-log bucket of the PV vault and upload buckets; logging it would need yet another log bucket, and so on.',
  });

  // The vault: accepted PVs (copied there by the intake once checked) and the daily digests, each
  // locked by the bucket's default retention. Nothing rejected ever lands here, so every version is
  // meant to be kept: no rule expires one.
  // What both PV buckets share: private, TLS only, the data key (with a bucket key), access logs.
  const common = {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: BucketEncryption.KMS,
    encryptionKey: dataKey,
    bucketKeyEnabled: true,
    serverAccessLogsBucket: accessLogs,
    removalPolicy: settings.removalPolicy,
  };
  const retention = settings.pvObjectLockMode === 'COMPLIANCE' ? ObjectLockRetention.compliance(settings.pvRetention) : ObjectLockRetention.governance(settings.pvRetention);
  const vault = new Bucket(scope, 'PvBucket', {
    bucketName: bucketName(settings, 'vault'),
    versioned: true,
    objectLockEnabled: true,
    objectLockDefaultRetention: retention,
    ...common,
    serverAccessLogsPrefix: 'pv/',
    lifecycleRules: [
      {
        transitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: settings.pvColdStorageAfter }],
        noncurrentVersionTransitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: settings.pvColdStorageAfter }],
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
  });

  // The upload area, apart from the vault because Object Lock is bucket-wide: a wrong file full of
  // personal data must be erasable. Not versioned, so a delete is a delete. The intake empties
  // `pv/` within seconds (accepted files go to the vault, rejected ones to `quarantine/`). An
  // intake that failed leaves the upload, and its notification waits in the intake's dead-letter
  // queue: the lifecycle keeps the upload one day longer than that queue keeps the message, so a
  // notification replayed on its last day still finds the file. It removes each quarantined file
  // once the retention purge's catch-up window is over, should the purge never have reached it.
  const uploads = new Bucket(scope, 'UploadBucket', {
    bucketName: bucketName(settings, 'uploads'),
    ...common,
    serverAccessLogsPrefix: 'uploads/',
    lifecycleRules: [
      { id: 'uploads', prefix: PV_PREFIX, expiration: Duration.days(QUEUE_RETENTION_DAYS + 1), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      { id: 'quarantine', prefix: QUARANTINE_PREFIX, expiration: Duration.days(settings.retention.quarantineDays + settings.retention.catchUpDays + 1) },
    ],
  });
  return { vault, uploads };
};

/** The page PUTs the signed PV straight to the upload area from the application's origin (a CORS preflight). */
export const allowUploadsFrom = (uploads: Bucket, appUrl: string): void => {
  const rule = uploadCorsRule([Token.isUnresolved(appUrl) ? appUrl : originOf(appUrl)]);
  uploads.addCorsRule({
    allowedOrigins: [...rule.allowedOrigins],
    allowedMethods: rule.allowedMethods.map((method) => HttpMethods[method]),
    allowedHeaders: [...rule.allowedHeaders],
    exposedHeaders: [...rule.exposedHeaders],
    maxAge: rule.maxAgeSeconds,
  });
};
