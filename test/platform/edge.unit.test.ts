import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent, S3Event, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { functionDeclarations } from '../../functions/index.js';
import { GENESIS_HASH, commitHash } from '../../shared/eventStore/records.js';
import type { FunctionDeclaration } from '../../shared/platform/declarations.js';
import { isEdgeHandler } from '../../shared/platform/edge.js';
import { AUTH_ENV, ENV, tableEnv } from '../../shared/platform/env.js';
import { captureFunctionOutput, lambdaContext, scheduledEvent, type CapturedOutput } from '../support/functionLogs.js';
import { apiCall, createTestApp, httpEvent } from '../web/support/app.js';
import { seedSession } from '../web/support/scenario.js';

// The lines are read: the logger, silent under vitest, is built at INFO (every invocation is captured).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

/**
 * Every function's exported handler goes through the platform edge: invoked as Lambda would (an
 * event of its trigger, a context), with every SDK client answering empty, each writes lines that
 * carry its function name, the request id of the context and the correlation id of what it handled.
 */
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const importHandler = (declaration: FunctionDeclaration) =>
  import(pathToFileURL(path.join(projectRoot, declaration.entry)).href) as Promise<{ handler: (event: unknown, context: unknown) => Promise<unknown> }>;

interface SdkMock {
  onAnyCommand(): { resolves(output: object): unknown };
  restore(): void;
}
const sdk: SdkMock[] = [mockClient(DynamoDBClient), mockClient(S3Client), mockClient(SESv2Client), mockClient(SQSClient)];
// The secrets a function reads on its first request (the cursor key): a value of the right shape.
const secrets: SdkMock = mockClient(SecretsManagerClient);

// What the stack sets on the Lambdas: every variable the code names, a plausible value each (no
// endpoint: the mocked clients never reach the network).
const environment: Record<string, string> = {
  ...Object.fromEntries(
    Object.values(ENV)
      .filter((name) => !name.endsWith('_ENDPOINT'))
      .map((name) => [name, `test-${name.toLowerCase().replace(/_/g, '-')}`]),
  ),
  AWS_REGION: 'eu-west-3',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  ...Object.fromEntries(Object.values(tableEnv).map((name) => [name, `test-${name.toLowerCase()}`])),
  [ENV.STAGE]: 'dev',
  [ENV.PV_BUCKET]: 'test-pv',
  [ENV.MAIL_FROM]: 'ne-pas-repondre@tp-sessions.test',
  [ENV.SES_CONFIGURATION_SET]: 'test-mail',
  [ENV.MAIL_DLQ_URL]: 'https://sqs.eu-west-3.amazonaws.com/123456789012/test-mail-retry',
  CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:test-cursor',
  [ENV.APP_URL]: 'https://app.tp-sessions.test',
  [AUTH_ENV.ISSUER]: 'https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_test',
  [AUTH_ENV.AUDIENCE]: 'test-client',
  [AUTH_ENV.JWKS_URL]: 'https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_test/.well-known/jwks.json',
};

const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const [name, value] of Object.entries(environment)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  for (const client of sdk) client.onAnyCommand().resolves({});
  secrets.onAnyCommand().resolves({ SecretString: 's'.repeat(64) });
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  for (const client of [...sdk, secrets]) client.restore();
});

let output: CapturedOutput | undefined;
afterEach(() => {
  output?.restore();
  output = undefined;
});

const storedEvent = (correlationId: string): StoredEvent => ({
  id: '01JQ0000000000000000000001',
  streamId: 'session-ses_edge',
  version: 1,
  schemaVersion: 1,
  occurredAt: '2027-03-01T09:00:00.000Z',
  recordedAt: '2027-03-01T09:00:00.000Z',
  actor: { role: 'system', id: 'test', scope: {} },
  scope: { centreId: 'ctr_lyon-1', department: '69', region: '84' },
  correlationId,
  causationId: correlationId,
  type: 'CandidateRegistered',
  data: { candidateId: 'cand_edge-1' },
});

const streamEvent = (correlationId: string): DynamoDBStreamEvent => {
  const events = [storedEvent(correlationId)];
  const body = {
    pk: 'session-ses_edge',
    sk: 1,
    firstVersion: 1,
    lastVersion: 1,
    events: JSON.stringify(events),
    region: '84',
    recordedAt: '2027-03-01T09:00:00.000Z',
    prevHash: GENESIS_HASH,
  };
  const item = { ...body, eventTypes: new Set(['CandidateRegistered']), hash: commitHash(body) };
  return {
    Records: [
      {
        eventID: '1',
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        dynamodb: { SequenceNumber: '100', NewImage: marshall(item) as NonNullable<DynamoDBStreamEvent['Records'][number]['dynamodb']>['NewImage'] },
      },
    ],
  };
};

const s3Event = (requestId: string): S3Event =>
  ({
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        responseElements: { 'x-amz-request-id': requestId, 'x-amz-id-2': 'id2' },
        s3: { bucket: { name: 'test-pv' }, object: { key: 'pv/ses_edge/r1/abc.pdf', size: 10, eTag: 'e', sequencer: '1' } },
      },
    ],
  }) as unknown as S3Event;

const sqsEvent = (messageId: string): SQSEvent =>
  ({
    Records: [
      {
        messageId,
        receiptHandle: 'r',
        body: '{"not":"a mail"}',
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn',
        awsRegion: 'eu-west-3',
      },
    ],
  }) as SQSEvent;

/** An event of the function's trigger, and the correlation id its lines must carry. */
const invocationOf = (declaration: FunctionDeclaration): { event: unknown; correlationId: string } => {
  const id = `corr-${declaration.name}`;
  switch (declaration.trigger.kind) {
    case 'http': {
      const route = declaration.trigger.routes[0];
      const event = httpEvent({ method: route?.method ?? 'GET', path: (route?.path ?? '/').replace(/\{[^}]+\}/g, 'x') });
      return { event: { ...event, requestContext: { ...event.requestContext, requestId: id } }, correlationId: id };
    }
    case 'stream':
      return { event: streamEvent(id), correlationId: id };
    case 'schedule':
      return { event: scheduledEvent(id), correlationId: id };
    case 's3':
      return { event: s3Event(id), correlationId: id };
    case 'queue':
      return { event: sqsEvent(id), correlationId: id };
  }
};

describe('one edge for every handler', () => {
  it.each(functionDeclarations.map((declaration) => [declaration.name, declaration] as const))(
    'given %s invoked as Lambda would, then its lines carry its function name, the request id and the correlation id of what it handled',
    async (name, declaration) => {
      const module = await importHandler(declaration);
      const { event, correlationId } = invocationOf(declaration);
      const context = lambdaContext(name);
      output = captureFunctionOutput();
      await module.handler(event, context).catch(() => undefined);
      output.restore();

      const lines = output.json().filter((line) => line.message !== undefined);
      expect(lines.length, output.lines.join('\n')).toBeGreaterThan(0);
      for (const line of lines)
        expect(line).toMatchObject({ service: 'tp-sessions', function_name: name, function_request_id: context.awsRequestId, correlation_id: correlationId });
    },
  );

  it('given a function whose handler has a single trigger, then its export is the edge itself', async () => {
    const bare: string[] = [];
    for (const declaration of functionDeclarations) {
      const module = await importHandler(declaration);
      // mailFeedback is fed by EventBridge and HTTP: its export sends each event to its own edge (checked above by its lines).
      if (!isEdgeHandler(module.handler) && declaration.name !== 'mailFeedback') bare.push(declaration.name);
    }
    expect(bare).toEqual([]);
  });
});

describe('commands in the metrics', () => {
  it('given a command the domain accepts and one it refuses, then each writes an EMF line counting it under its command type', async () => {
    output = captureFunctionOutput();
    const app = createTestApp();
    const { sessionId } = await seedSession(app);
    output.restore();
    output = captureFunctionOutput();
    const accepted = await apiCall(app, 'ud', 'POST', '/api/jurors', {
      jurorId: 'jur_edge-1',
      titreCode: 'RNCP37674',
      department: '69',
      validFrom: '2026-01-01',
      validUntil: '2028-06-30',
      professionalisationDate: '2025-11-15',
    });
    // The PV is not signed yet: the domain refuses its transmission.
    const refused = await apiCall(app, 'centre', 'POST', `/api/sessions/${sessionId}/pv/transmit`, {});
    output.restore();

    expect([accepted.statusCode, refused.statusCode]).toEqual([201, 422]);
    const metrics = output.json().filter((line) => line._aws !== undefined);
    const counted = metrics.map((line) => {
      const directive = (line._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0];
      return {
        namespace: directive?.Namespace,
        dimensions: directive?.Dimensions[0],
        metric: directive?.Metrics[0]?.Name,
        command: line.command,
        value: line[directive?.Metrics[0]?.Name ?? ''],
      };
    });
    expect(counted).toEqual(
      expect.arrayContaining([
        { namespace: 'tp-sessions', dimensions: expect.arrayContaining(['command']), metric: 'CommandAccepted', command: 'HabilitateJuror', value: 1 },
        { namespace: 'tp-sessions', dimensions: expect.arrayContaining(['command']), metric: 'CommandRefused', command: 'TransmitPV', value: 1 },
      ]),
    );
  });
});
