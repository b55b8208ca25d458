import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { parseTraceHeader } from '../../shared/platform/invocation.js';
import { daemonAddress, lambdaTracing, MIDDLEWARE_NAME, traceClient } from '../../shared/platform/tracer.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';

/**
 * The X-Ray subsegments of the SDK clients (shared/platform/tracer.ts), through the real SDK over
 * HTTP against dynalite, sent over UDP to a listener standing in for Lambda's X-Ray daemon.
 */

const ROOT = '1-6751c2a0-0123456789abcdef01234567';
const PARENT = '53995c3f42cd8ad8';
const sampled = `Root=${ROOT};Parent=${PARENT};Sampled=1;Lineage=a87bd80c:1`;

let dynamo: LocalDynamo;
let daemon: Socket;
let port: number;
const received: string[] = [];
let waiting: (() => void) | undefined;

/** The next `count` datagrams the daemon receives (beyond those already read). */
const datagrams = async (count: number): Promise<Record<string, unknown>[]> => {
  const deadline = Date.now() + 5_000;
  while (received.length < count && Date.now() < deadline) await new Promise<void>((resolve) => ((waiting = resolve), setTimeout(resolve, 50)));
  const taken = received.splice(0, count);
  return taken.map((datagram) => {
    const [header, body] = datagram.split('\n');
    expect(header).toBe('{"format":"json","version":1}');
    return JSON.parse(body ?? '') as Record<string, unknown>;
  });
};

/** A DynamoDB client as a function has it in Lambda, with this test's trace header and daemon. */
const lambdaClient = (traceHeader: () => string | undefined, extra?: (client: DynamoDBClient) => void) => {
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  extra?.(client);
  const tracing = lambdaTracing({ AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}` });
  return traceClient(client, { ...tracing, traceHeader });
};

beforeAll(async () => {
  dynamo = await startDynalite('tracer');
  daemon = createSocket('udp4');
  daemon.on('message', (message) => {
    received.push(message.toString('utf8'));
    waiting?.();
  });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  port = (daemon.address() as AddressInfo).port;
});
afterAll(async () => {
  daemon.close();
  await dynamo.stop();
});

describe('a sampled invocation', () => {
  it('sends one subsegment per SDK call naming the service, operation, table, request id and status, never the item', async () => {
    const sent: string[] = [];
    const client = lambdaClient(
      () => sampled,
      (c) =>
        c.middlewareStack.add(
          (next) => async (args) => {
            const headers = (args.request as { headers: Record<string, string> }).headers;
            sent.push(headers['X-Amzn-Trace-Id'] ?? '');
            return next(args);
          },
          { step: 'finalizeRequest', name: 'captureTraceHeader' },
        ),
    );
    await client.send(new PutItemCommand({ TableName: dynamo.tables.views, Item: { pk: { S: 'candidat#1' }, sk: { S: 'v' }, nom: { S: 'Léa Martin' } } }));
    const [segment] = await datagrams(1);
    expect(segment).toMatchObject({
      type: 'subsegment',
      trace_id: ROOT,
      parent_id: PARENT,
      name: 'DynamoDB',
      namespace: 'aws',
      aws: { operation: 'PutItem', region: 'eu-west-3', retries: 0, table_name: dynamo.tables.views },
      http: { response: { status: 200 } },
    });
    expect(segment?.id).toMatch(/^[0-9a-f]{16}$/);
    expect((segment?.aws as { request_id?: string }).request_id).toBeTruthy();
    expect(Number(segment?.end_time)).toBeGreaterThanOrEqual(Number(segment?.start_time));
    expect(Number(segment?.start_time)).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(segment).not.toHaveProperty('error');
    expect(segment).not.toHaveProperty('fault');
    expect(JSON.stringify(segment)).not.toContain('Léa');
    expect(JSON.stringify(segment)).not.toContain('candidat#1');
    // The request to DynamoDB carries the trace, with this subsegment as its parent.
    expect(sent).toEqual([`Root=${ROOT};Parent=${String(segment?.id)};Sampled=1`]);
  });

  it('marks a refused call as an error with its exception, and still throws it to the caller', async () => {
    const client = lambdaClient(() => sampled);
    await expect(
      client.send(new PutItemCommand({ TableName: dynamo.tables.views, Item: { pk: { S: 'x' }, sk: { S: 'y' } }, ConditionExpression: 'attribute_exists(pk)' })),
    ).rejects.toThrow(/conditional/i);
    const [segment] = await datagrams(1);
    expect(segment).toMatchObject({ name: 'DynamoDB', error: true, http: { response: { status: 400 } }, cause: { exceptions: [{ type: 'ConditionalCheckFailedException' }] } });
    expect(segment).not.toHaveProperty('fault');
    expect(segment).not.toHaveProperty('throttle');
  });

  it('marks throttling as such', async () => {
    const client = lambdaClient(
      () => sampled,
      (c) =>
        c.middlewareStack.add(
          () => () =>
            Promise.reject(
              Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
                name: 'ProvisionedThroughputExceededException',
                $metadata: { httpStatusCode: 400, attempts: 1 },
              }),
            ),
          { step: 'finalizeRequest', name: 'throttled' },
        ),
    );
    await expect(client.send(new GetItemCommand({ TableName: dynamo.tables.views, Key: { pk: { S: 'x' }, sk: { S: 'y' } } }))).rejects.toThrow(/throughput/);
    const [segment] = await datagrams(1);
    expect(segment).toMatchObject({ aws: { operation: 'GetItem' }, error: true, throttle: true });
  });

  it('reads the trace header of the invocation under way from the invoke store, as Lambda publishes it', async () => {
    const lambda = ((globalThis as { awslambda?: Record<string, unknown> }).awslambda ??= {});
    const previous = lambda.InvokeStore;
    lambda.InvokeStore = { getXRayTraceId: () => `Root=${ROOT};Parent=1111111111111111;Sampled=1` };
    try {
      const tracing = lambdaTracing({ AWS_XRAY_DAEMON_ADDRESS: `udp:127.0.0.1:${port} tcp:127.0.0.1:${port + 1}`, _X_AMZN_TRACE_ID: sampled });
      const client = traceClient(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-3', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }), tracing);
      await client.send(new GetItemCommand({ TableName: dynamo.tables.views, Key: { pk: { S: 'x' }, sk: { S: 'y' } } }));
      const [segment] = await datagrams(1);
      expect(segment).toMatchObject({ trace_id: ROOT, parent_id: '1111111111111111' });
    } finally {
      lambda.InvokeStore = previous;
    }
  });
});

describe('outside a sampled invocation', () => {
  it('sends nothing when the invocation is not sampled or has no trace, and the calls work', async () => {
    let header: string | undefined = `Root=${ROOT};Parent=${PARENT};Sampled=0`;
    const client = lambdaClient(() => header);
    await client.send(new GetItemCommand({ TableName: dynamo.tables.views, Key: { pk: { S: 'x' }, sk: { S: 'y' } } }));
    header = undefined;
    await client.send(new GetItemCommand({ TableName: dynamo.tables.views, Key: { pk: { S: 'x' }, sk: { S: 'y' } } }));
    // A sampled call after them is the only one the daemon gets.
    header = sampled;
    await client.send(new PutItemCommand({ TableName: dynamo.tables.views, Item: { pk: { S: 'z' }, sk: { S: 'z' } } }));
    const [segment] = await datagrams(1);
    expect(segment).toMatchObject({ aws: { operation: 'PutItem' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toEqual([]);
  });

  it('leaves the clients of tests, scripts and the offline system as they are (no AWS_EXECUTION_ENV)', () => {
    expect(process.env.AWS_EXECUTION_ENV).toBeUndefined();
    const client = createDynamoClient({ endpoint: dynamo.endpoint });
    expect(client.middlewareStack.identify().join(' ')).not.toContain(MIDDLEWARE_NAME);
    const traced = traceClient(traceClient(new DynamoDBClient({}), lambdaTracing({})), lambdaTracing({}));
    expect(traced.middlewareStack.identify().filter((name) => name.startsWith(MIDDLEWARE_NAME))).toHaveLength(1);
  });
});

describe('the trace header and the daemon address', () => {
  it('reads Root, Parent and Sampled, and refuses a malformed header', () => {
    expect(parseTraceHeader(sampled)).toEqual({ root: ROOT, parent: PARENT, sampled: true });
    expect(parseTraceHeader(`Root=${ROOT};Parent=${PARENT}`)).toEqual({ root: ROOT, parent: PARENT, sampled: false });
    expect(parseTraceHeader(`Root=abc;Parent=${PARENT};Sampled=1`)).toBeUndefined();
    expect(parseTraceHeader(`Root=${ROOT};Sampled=1`)).toBeUndefined();
    expect(parseTraceHeader('')).toBeUndefined();
  });

  it('takes the UDP address of AWS_XRAY_DAEMON_ADDRESS in both of its forms, 127.0.0.1:2000 by default', () => {
    expect(daemonAddress('169.254.79.129:2000')).toEqual({ host: '169.254.79.129', port: 2000 });
    expect(daemonAddress('tcp:10.0.0.1:2001 udp:10.0.0.2:2002')).toEqual({ host: '10.0.0.2', port: 2002 });
    expect(daemonAddress(undefined)).toEqual({ host: '127.0.0.1', port: 2000 });
  });
});
