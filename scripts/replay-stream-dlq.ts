/**
 * `npm run replay-stream-dlq`: runs a stream consumer again on the commits its dead-letter messages
 * name. When a batch of the events stream keeps failing, Lambda puts on the consumer's DLQ a message
 * holding only where the batch was (`DDBStreamBatchInfo`: shard, first and last sequence numbers,
 * arrival times), not the records, and the stream drops the records after 24 hours. The commits are
 * still in the events table: this command reads those that reached the stream in the message's
 * arrival window (a minute of slack on each side, since sequence numbers cannot be mapped back to
 * keys once the stream has dropped them), keeps those the consumer's filter accepts, and hands each
 * one, once, in order within its stream, to the consumer's own handler as a `DynamoDBStreamEvent`.
 * Consumers are idempotent (views remember their version, history items are put by event id, due
 * dates are replanned, mails go through the outbox), so a commit of the window that had succeeded
 * runs again harmlessly, and running the command twice changes nothing more.
 *
 *   npm run replay-stream-dlq -- --queue-url <DLQ URL> --env-file projector.json
 *   npm run replay-stream-dlq -- --file messages.jsonl --env-file projector.json
 *   npm run replay-stream-dlq -- --offline            # the dead letters of `npm start` (.data)
 *
 * `--env-file`: the consumer's variables, as `aws lambda get-function-configuration --function-name
 * <stage>-tp-<consumer> --query Environment.Variables` prints them (the command runs the handler in
 * this process, with the operator's credentials). From the queue, a message is deleted once every
 * commit it names was handled. Exit 0 when nothing failed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { toStreamRecord } from '../infra/offline/changeFeed.js';
import { matchesFilterPattern, streamFilterPattern } from '../infra/streamFilter.js';

/** What Lambda puts on a stream consumer's on-failure destination (only the parts read here). */
export const streamDeadLetterSchema = z.object({
  requestContext: z.object({ functionArn: z.string() }),
  DDBStreamBatchInfo: z.object({
    shardId: z.string(),
    startSequenceNumber: z.string(),
    endSequenceNumber: z.string(),
    approximateArrivalOfFirstRecord: z.string(),
    approximateArrivalOfLastRecord: z.string(),
    batchSize: z.optional(z.number()),
    streamArn: z.string(),
  }),
});
export type StreamDeadLetter = z.infer<typeof streamDeadLetterSchema>;

/** The consumer's name from its ARN: `arn:…:function:<stage>-tp-<name>[:qualifier]`. */
export const consumerNameOf = (functionArn: string): string => {
  const name = /:function:([^:]+)/.exec(functionArn)?.[1] ?? functionArn;
  return name.replace(/^[a-z0-9]+-tp-/, '');
};

export interface StreamConsumer {
  readonly eventTypes: readonly string[];
  readonly handle: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
}

export interface StreamReplayReport {
  readonly consumer: string;
  readonly messages: number;
  /** Commits of the windows the consumer's filter accepts, each counted once. */
  readonly commits: number;
  readonly handled: number;
  /** `pk#sk` of the commits that failed again, and of those after them in their stream (not tried). */
  readonly failed: readonly string[];
}

type Item = Record<string, AttributeValue>;

/** Slack around the arrival window: a commit's `recordedAt` and its arrival on the stream differ by a moment. */
const SLACK_MS = 60_000;

const windowOf = (message: StreamDeadLetter) => ({
  from: new Date(Date.parse(message.DDBStreamBatchInfo.approximateArrivalOfFirstRecord) - SLACK_MS).toISOString(),
  to: new Date(Date.parse(message.DDBStreamBatchInfo.approximateArrivalOfLastRecord) + SLACK_MS).toISOString(),
});

/** The commits recorded within a window: a filtered Scan, acceptable for a command a person runs after an incident. */
const commitsBetween = async (client: DynamoDBClient, table: string, from: string, to: string): Promise<Item[]> => {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'recordedAt BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':from': { S: from }, ':to': { S: to } },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/**
 * Replays the commits named by one consumer's dead-letter messages, each once, in order within its
 * stream; a commit failing again stops its stream there (as the mapping would) and is reported.
 */
export const replayStreamDeadLetters = async (
  consumerName: string,
  consumer: StreamConsumer,
  messages: readonly StreamDeadLetter[],
  options: { readonly client: DynamoDBClient; readonly eventsTable: string },
): Promise<StreamReplayReport> => {
  const filter = streamFilterPattern(consumer.eventTypes);
  const commits = new Map<string, { pk: string; sk: number; item: Item }>();
  for (const message of messages) {
    const { from, to } = windowOf(message);
    for (const item of await commitsBetween(options.client, options.eventsTable, from, to)) {
      const pk = item.pk?.S;
      const sk = Number(item.sk?.N);
      if (!pk || !Number.isInteger(sk)) continue;
      commits.set(`${pk}#${sk}`, { pk, sk, item });
    }
  }
  const records = [...commits.values()]
    .map((commit) => ({ ...commit, record: toStreamRecord({ ...commit, types: [] }, options.eventsTable) }))
    .filter(({ record }) => matchesFilterPattern(filter, record))
    .sort((a, b) => (a.pk === b.pk ? a.sk - b.sk : a.pk < b.pk ? -1 : 1));
  const failed: string[] = [];
  let handled = 0;
  const stoppedStreams = new Set<string>();
  for (const { pk, sk, record } of records) {
    if (stoppedStreams.has(pk)) {
      failed.push(`${pk}#${sk}`);
      continue;
    }
    let ok: boolean;
    try {
      const response = await consumer.handle({ Records: [record] });
      ok = !response || response.batchItemFailures.length === 0;
    } catch {
      ok = false;
    }
    if (ok) handled += 1;
    else {
      failed.push(`${pk}#${sk}`);
      stoppedStreams.add(pk);
    }
  }
  return { consumer: consumerName, messages: messages.length, commits: records.length, handled, failed };
};

/** Messages from a file: one JSON message per line, or a JSON array (the offline dead-letter files are JSON lines). */
export const parseDeadLetterFile = (text: string): StreamDeadLetter[] => {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const values: unknown[] = trimmed.startsWith('[')
    ? (JSON.parse(trimmed) as unknown[])
    : trimmed
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as unknown);
  return values.map((value) => streamDeadLetterSchema.parse(value));
};

const main = async () => {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      'queue-url': { type: 'string' },
      'env-file': { type: 'string' },
      offline: { type: 'boolean', default: false },
      data: { type: 'string', default: process.env.TP_DATA_DIR ?? '.data' },
    },
  });
  if (values['env-file']) Object.assign(process.env, JSON.parse(await readFile(values['env-file'], 'utf8')) as Record<string, string>);
  if (values.offline) {
    // What the offline runtime sets on every function (infra/offline/runtime.ts), on its default ports.
    const { tableNameMap } = await import('../shared/platform/provision.js');
    const { ENV, tableEnv } = await import('../shared/platform/env.js');
    const { tableNames } = await import('../shared/platform/tables.js');
    const tables = tableNameMap('local');
    Object.assign(process.env, {
      AWS_REGION: process.env.AWS_REGION ?? 'eu-west-3',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      [ENV.STAGE]: 'local',
      [ENV.DYNAMODB_ENDPOINT]: process.env[ENV.DYNAMODB_ENDPOINT] ?? `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '4567'}`,
      [ENV.SES_ENDPOINT]: process.env[ENV.SES_ENDPOINT] ?? `http://127.0.0.1:${process.env.MAILBOX_PORT ?? '8005'}`,
      [ENV.MAIL_FROM]: process.env[ENV.MAIL_FROM] ?? 'ne-pas-repondre@tp-sessions.local',
      [ENV.SES_CONFIGURATION_SET]: 'local',
      [ENV.APP_URL]: process.env[ENV.APP_URL] ?? `http://localhost:${process.env.PORT ?? '3000'}`,
      ...Object.fromEntries(tableNames.map((table) => [tableEnv[table], tables[table]])),
    });
  }
  const messages: { message: StreamDeadLetter; receipt?: string }[] = [];
  if (values.file) for (const message of parseDeadLetterFile(await readFile(values.file, 'utf8'))) messages.push({ message });
  if (values.offline) {
    const dir = join(resolve(values.data), 'offline', 'dead-letters');
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.jsonl')) continue;
      const lines = (await readFile(join(dir, name), 'utf8')).split('\n').filter(Boolean);
      // Lines of the mail retry queue's dead letters have another shape: only stream ones are read.
      for (const line of lines) {
        const parsed = streamDeadLetterSchema.safeParse(JSON.parse(line));
        if (parsed.success) messages.push({ message: parsed.data });
      }
    }
  }
  const { createDynamoClient } = await import('../shared/aws/dynamo.js');
  const { ENV, tableEnv } = await import('../shared/platform/env.js');
  let sqs: import('@aws-sdk/client-sqs').SQSClient | undefined;
  if (values['queue-url']) {
    const { SQSClient, ReceiveMessageCommand } = await import('@aws-sdk/client-sqs');
    sqs = new SQSClient({ region: process.env.AWS_REGION ?? 'eu-west-3' });
    for (;;) {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: values['queue-url'], MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 900 }));
      if (!received.Messages?.length) break;
      for (const m of received.Messages)
        messages.push({ message: streamDeadLetterSchema.parse(JSON.parse(m.Body ?? '{}')), ...(m.ReceiptHandle ? { receipt: m.ReceiptHandle } : {}) });
    }
  }
  if (messages.length === 0) {
    console.log('Aucun message de flux en lettre morte. / No stream dead letter.');
    return 0;
  }
  const { functionDeclarations } = await import('../functions/index.js');
  const client = createDynamoClient({ endpoint: process.env[ENV.DYNAMODB_ENDPOINT] || undefined });
  const eventsTable = process.env[tableEnv.events];
  if (!eventsTable) throw new Error(`Variable d’environnement manquante : ${tableEnv.events}`);
  const byConsumer = Map.groupBy(messages, ({ message }) => consumerNameOf(message.requestContext.functionArn));
  let failures = 0;
  for (const [name, entries] of byConsumer) {
    const declaration = functionDeclarations.find((d) => d.name === name);
    if (declaration?.trigger.kind !== 'stream') {
      console.error(`✗ ${name} : aucune fonction de flux de ce nom / no stream function by that name`);
      failures += entries.length;
      continue;
    }
    const module = (await import(pathToFileURL(resolve(declaration.entry)).href)) as { handler: (event: DynamoDBStreamEvent, context: unknown) => Promise<DynamoDBBatchResponse> };
    const context = { awsRequestId: `replay-${Date.now()}`, functionName: name, getRemainingTimeInMillis: () => 60_000 };
    const report = await replayStreamDeadLetters(
      name,
      { eventTypes: declaration.trigger.eventTypes, handle: (event) => module.handler(event, context) },
      entries.map((e) => e.message),
      { client, eventsTable },
    );
    console.log(
      `${name} : ${report.messages} message(s), ${report.commits} commit(s), ${report.handled} traité(s), ${report.failed.length} en échec${report.failed.length ? ` (${report.failed.join(', ')})` : ''}`,
    );
    failures += report.failed.length;
    if (sqs && report.failed.length === 0) {
      const { DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
      for (const { receipt } of entries) if (receipt) await sqs.send(new DeleteMessageCommand({ QueueUrl: values['queue-url'], ReceiptHandle: receipt }));
    }
  }
  client.destroy();
  return failures === 0 ? 0 : 1;
};

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(2);
    },
  );
}
