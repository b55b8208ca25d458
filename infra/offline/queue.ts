import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { appendJsonLine, readJson, writeJsonAtomic } from './files.js';
import { readBody, sendJson } from './httpApi.js';
import type { LoadedFunction } from './lambda.js';

/**
 * The SQS stand-in for `queue` triggers (the mail retry queue): a durable queue per declared queue,
 * kept in `<stateDir>/queues/<queue>.json`, fed through the SQS JSON protocol (`SendMessage`,
 * `SendMessageBatch`) on the app's port (the SDK is pointed at it by `SQS_ENDPOINT`), delivered to
 * the function as `SQSEvent` batches of up to 10 with `batchItemFailures` honoured. A message
 * received `maxReceiveCount` times without success goes to the dead-letter file
 * `<stateDir>/dead-letters/<queue>.jsonl`, as the redrive policy would move it to the DLQ.
 */
interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Record<string, { DataType: string; StringValue?: string }>;
  readonly sentAt: number;
  receiveCount: number;
  visibleAt: number;
}

export interface QueueOptions {
  readonly functions: readonly LoadedFunction[];
  readonly stateDir: string;
  readonly appUrl: string;
  readonly pollMs: number;
  /** Delay before a failed message is visible again (the visibility timeout). */
  readonly visibilityMs: number;
  readonly maxReceiveCount: number;
  readonly log: (line: string) => void;
  readonly afterInvoke: () => void;
}

/** `mailRetry` -> `local-tp-mail-retry`, as the stack names it (`<stage>-tp-mail-retry`). */
const queueName = (queue: string) => `local-tp-${queue.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export class LocalQueues {
  private readonly queues = new Map<string, { messages: StoredMessage[]; consumer: LoadedFunction | undefined }>();
  private timer: NodeJS.Timeout | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(private readonly options: QueueOptions) {
    for (const fn of options.functions) {
      const trigger = fn.declaration.trigger;
      if (trigger.kind === 'queue') this.queues.set(queueName(trigger.queue), { messages: [], consumer: fn });
    }
  }

  /** The queue URL a function sends to (set as `MAIL_DLQ_URL`). */
  urlOf(queue: string): string {
    return `${this.options.appUrl}/000000000000/${queueName(queue)}`;
  }

  get hasQueues(): boolean {
    return this.queues.size > 0;
  }

  private file(name: string) {
    return join(this.options.stateDir, 'queues', `${name}.json`);
  }

  async start(): Promise<void> {
    for (const [name, queue] of this.queues) queue.messages = (await readJson<StoredMessage[]>(this.file(name))) ?? [];
    if (!this.hasQueues) return;
    this.timer = setInterval(() => void this.deliver(), this.options.pollMs);
    this.timer.unref();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Whether the request is an SQS API call (the SDK sends `X-Amz-Target: AmazonSQS.<Action>`). */
  static isSqsCall(request: IncomingMessage): boolean {
    return request.method === 'POST' && String(request.headers['x-amz-target'] ?? '').startsWith('AmazonSQS.');
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const action = String(request.headers['x-amz-target']).slice('AmazonSQS.'.length);
    const input = JSON.parse((await readBody(request, 1024 * 1024)).toString('utf8')) as {
      QueueUrl?: string;
      MessageBody?: string;
      MessageAttributes?: StoredMessage['attributes'];
      Entries?: { Id: string; MessageBody: string; MessageAttributes?: StoredMessage['attributes'] }[];
    };
    const name = (input.QueueUrl ?? '').split('/').pop() ?? '';
    const queue = this.queues.get(name);
    const error = (type: string, message: string) =>
      sendJson(response, 400, { __type: `com.amazonaws.sqs#${type}`, message }, { 'x-amzn-query-error': `AWS.SimpleQueueService.${type};Sender` });
    if (!queue) return error('QueueDoesNotExist', `The specified queue ${name} does not exist.`);
    const enqueue = async (body: string, attributes: StoredMessage['attributes'] = {}) => {
      const message: StoredMessage = { messageId: randomUUID(), body, attributes, sentAt: Date.now(), receiveCount: 0, visibleAt: 0 };
      await this.exclusive(async () => {
        queue.messages.push(message);
        await writeJsonAtomic(this.file(name), queue.messages);
      });
      return message;
    };
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    if (action === 'SendMessage') {
      const message = await enqueue(input.MessageBody ?? '', input.MessageAttributes);
      sendJson(response, 200, { MessageId: message.messageId, MD5OfMessageBody: md5(message.body) });
    } else if (action === 'SendMessageBatch') {
      const successful = [];
      for (const entry of input.Entries ?? []) {
        const message = await enqueue(entry.MessageBody, entry.MessageAttributes);
        successful.push({ Id: entry.Id, MessageId: message.messageId, MD5OfMessageBody: md5(message.body) });
      }
      sendJson(response, 200, { Successful: successful, Failed: [] });
    } else {
      return error('UnsupportedOperation', `${action} is not supported offline.`);
    }
    setImmediate(() => void this.deliver());
  }

  /** Delivers every visible message once (in batches of 10); returns how many were delivered. */
  deliver(): Promise<number> {
    return this.exclusive(async () => {
      let delivered = 0;
      for (const [name, queue] of this.queues) {
        const consumer = queue.consumer;
        if (!consumer) continue;
        for (;;) {
          if (this.stopping) return delivered;
          const now = Date.now();
          const batch = queue.messages.filter((m) => m.visibleAt <= now).slice(0, 10);
          if (batch.length === 0) break;
          for (const message of batch) message.receiveCount += 1;
          const records = batch.map((m) => this.record(name, m));
          let failed: Set<string>;
          try {
            const result = (await consumer.invoke({ Records: records } satisfies SQSEvent)) as SQSBatchResponse | undefined;
            failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
          } catch (error) {
            this.options.log(`✗ ${consumer.declaration.name}: ${(error as Error).message}`);
            failed = new Set(batch.map((m) => m.messageId));
          } finally {
            this.options.afterInvoke();
          }
          delivered += batch.length;
          const done = new Set(batch.filter((m) => !failed.has(m.messageId)).map((m) => m.messageId));
          const dead = batch.filter((m) => failed.has(m.messageId) && m.receiveCount >= this.options.maxReceiveCount);
          for (const message of dead) {
            await appendJsonLine(join(this.options.stateDir, 'dead-letters', `${name}.jsonl`), { queue: name, deadAt: new Date().toISOString(), message });
            done.add(message.messageId);
          }
          for (const message of batch) if (failed.has(message.messageId)) message.visibleAt = Date.now() + this.options.visibilityMs;
          queue.messages = queue.messages.filter((m) => !done.has(m.messageId));
          await writeJsonAtomic(this.file(name), queue.messages);
        }
      }
      return delivered;
    });
  }

  private record(name: string, message: StoredMessage): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: `${message.messageId}#${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'offline',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([key, value]) => [
          key,
          { dataType: value.DataType, ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}) },
        ]),
      ),
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:eu-west-3:000000000000:${name}`,
      awsRegion: 'eu-west-3',
    };
  }

  async stop(wait = true): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping = true;
    if (wait) await this.tail;
  }
}
