import { createHash } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionDeclarations } from '../../functions/index.js';
import { RUNTIME_ANSWER_HEADER, type OfflineRuntime } from '../../infra/offline/index.js';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { createS3Client } from '../../shared/aws/s3.js';
import { ENV } from '../../shared/platform/env.js';
import { boot, eventually, temporaryDataDir, tokenFor } from './support.js';

/**
 * Every function the project declares with a trigger is reachable offline: its routes answer (not
 * the runtime's own 404 or 401), its stream filter lets a matching commit through, its schedule
 * fires, its S3 prefix and its queue deliver. A function added to functions/index.ts with a trigger
 * the runtime does not serve makes this test fail.
 */
let runtime: OfflineRuntime;
let data: Awaited<ReturnType<typeof temporaryDataDir>>;
const invoked = new Map<string, unknown[]>();

beforeAll(async () => {
  data = await temporaryDataDir();
  runtime = await boot(data.path, {
    declarations: functionDeclarations,
    now: new Date('2027-02-01T08:00:00Z'),
    onInvoke: (name, event) => invoked.set(name, [...(invoked.get(name) ?? []), event]),
  });
});
afterAll(async () => {
  await runtime?.stop();
  await data.remove();
});

const withTrigger = <K extends string>(kind: K) => functionDeclarations.filter((d) => d.trigger.kind === kind);
const runtimeAnswers = new Set(['no-route', 'unauthorized', 'too-large', 'starting']);

describe('every declared function is reachable offline', () => {
  it('declares at least one function of each kind the runtime serves', () => {
    expect(withTrigger('http').length).toBeGreaterThan(0);
    expect(withTrigger('stream').length).toBeGreaterThan(0);
  });

  it('routes every declared HTTP route to its function', async () => {
    const token = await tokenFor(runtime, 'centre');
    for (const declaration of withTrigger('http')) {
      if (declaration.trigger.kind !== 'http') continue;
      for (const route of declaration.trigger.routes) {
        const path = route.path.replace(/\{[^}]+\+\}/g, 'a/b').replace(/\{([^}]+)\}/g, (_, name: string) => `${name}-1`);
        const before = invoked.get(declaration.name)?.length ?? 0;
        const response = await fetch(`${runtime.urls.app}${path}`, {
          method: route.method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          redirect: 'manual',
          ...(route.method === 'GET' ? {} : { body: '{}' }),
        });
        await response.arrayBuffer();
        expect(runtimeAnswers.has(response.headers.get(RUNTIME_ANSWER_HEADER) ?? ''), `${route.method} ${route.path}`).toBe(false);
        expect(invoked.get(declaration.name)?.length ?? 0, `${route.method} ${route.path} → ${declaration.name}`).toBe(before + 1);
      }
    }
  });

  it('hands a commit of a declared event type to every stream function', async () => {
    const client = createDynamoClient({ endpoint: runtime.urls.dynamodb });
    for (const declaration of withTrigger('stream')) {
      if (declaration.trigger.kind !== 'stream') continue;
      const type = declaration.trigger.eventTypes[0];
      expect(type, declaration.name).toBeDefined();
      await client.send(
        new PutItemCommand({
          TableName: runtime.tables.events,
          Item: {
            pk: { S: `session-ses_reachability-${declaration.name}` },
            sk: { N: '1' },
            firstVersion: { N: '1' },
            lastVersion: { N: '0' },
            events: { S: '[]' },
            eventTypes: { SS: [type ?? 'SessionCreated'] },
            region: { S: '84' },
            recordedAt: { S: new Date().toISOString() },
            prevHash: { S: '0'.repeat(64) },
            hash: { S: '0'.repeat(64) },
          },
        }),
      );
    }
    await runtime.drain();
    for (const declaration of withTrigger('stream')) {
      const events = (invoked.get(declaration.name) ?? []) as { Records: { dynamodb: { Keys: { pk: { S: string } } } }[] }[];
      const keys = events.flatMap((event) => event.Records.map((record) => record.dynamodb.Keys.pk.S));
      expect(keys, declaration.name).toContain(`session-ses_reachability-${declaration.name}`);
    }
    client.destroy();
  });

  it('fires every declared schedule', async () => {
    const fired = await runtime.moveClockTo(new Date('2027-02-03T08:00:00Z'));
    for (const declaration of withTrigger('schedule'))
      expect(
        fired.map((f) => f.functionName),
        declaration.name,
      ).toContain(declaration.name);
  });

  it('hands an object written under every declared S3 prefix to its function', async () => {
    const s3 = createS3Client({ endpoint: runtime.urls.s3 });
    for (const declaration of withTrigger('s3')) {
      if (declaration.trigger.kind !== 's3') continue;
      const bucket = declaration.trigger.bucket === 'uploads' ? runtime.uploadBucket : runtime.bucket;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${declaration.trigger.prefix}reachability/test.pdf`,
          Body: '%PDF-1.7',
          ChecksumSHA256: createHash('sha256').update('%PDF-1.7').digest('base64'),
        }),
      );
      await eventually(() => (invoked.get(declaration.name)?.length ?? 0) > 0);
    }
    await runtime.drain();
    s3.destroy();
  });

  it('delivers a message sent to every declared queue', async () => {
    const sqs = new SQSClient({ endpoint: process.env[ENV.SQS_ENDPOINT], region: 'eu-west-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    for (const declaration of withTrigger('queue')) {
      const queueUrl = process.env[ENV.MAIL_DLQ_URL];
      expect(queueUrl, declaration.name).toBeDefined();
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ reachability: true }) }));
      await eventually(() => (invoked.get(declaration.name)?.length ?? 0) > 0);
    }
    await runtime.drain();
    sqs.destroy();
  });
});
