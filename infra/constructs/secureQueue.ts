import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type DeadLetterQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface SecureQueueProps {
  readonly queueName: string;
  readonly removalPolicy: RemovalPolicy;
  readonly visibilityTimeout?: Duration;
  readonly deadLetterQueue?: DeadLetterQueue;
}

/** How long every queue keeps a message (SQS's longest): what reads a dead letter later sizes its own windows on it. */
export const QUEUE_RETENTION_DAYS = 14;

/**
 * An SQS queue as every queue of the project must be: encrypted at rest, TLS-only, with the
 * longest retention so an operator has two weeks to look at a failure.
 *
 * SQS-managed encryption rather than the customer-managed key: the producers of dead letters are
 * AWS services (Lambda, Scheduler, EventBridge) that would each need a key-policy grant, and CDK's
 * KMS grants for queues bring wildcard actions (`kms:GenerateDataKey*`, `kms:ReEncrypt*`).
 */
export const secureQueue = (scope: Construct, id: string, props: SecureQueueProps): Queue =>
  new Queue(scope, id, {
    queueName: props.queueName,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(QUEUE_RETENTION_DAYS),
    removalPolicy: props.removalPolicy,
    ...(props.visibilityTimeout ? { visibilityTimeout: props.visibilityTimeout } : {}),
    ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
  });
