import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { OutgoingMail } from './model.js';
import type { DeadLetter } from './sender.js';

/**
 * In AWS: the SQS queue at `MAIL_DLQ_URL`; the message holds the whole mail (the `mailRetry`
 * function resends it). Its own module, so only the functions that put mails on the queue carry
 * the SQS client in their bundle, loaded with the first mail put (./retryQueueWiring.ts builds it).
 */
export class SqsDeadLetter implements DeadLetter {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async put(mail: OutgoingMail, reason: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({ mail, reason }),
        MessageAttributes: { kind: { DataType: 'String', StringValue: mail.kind } },
      }),
    );
  }
}

/** The SQS client, at the offline emulator's endpoint when there is one. */
export const sqsClient = (endpoint: string | undefined): SQSClient => new SQSClient({ ...(endpoint ? { endpoint } : {}) });
