import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/app.js';
import type { OfflineRuntime } from '../../infra/offline/index.js';
import { HOST_VARIABLE_PREFIXES, HOST_VARIABLES, LAMBDA_RUNTIME_VARIABLES, LIBRARY_VARIABLES, OFFLINE_ENDPOINT_VARIABLES } from '../../infra/offline/iam/functionEnvironment.js';
import { offlineTemplate } from '../../infra/offline/iam/template.js';
import { createS3Client } from '../../shared/aws/s3.js';
import { iamProbeDeclarations } from './fixtures/iam/declarations.js';
import { boot, quietLog, temporaryDataDir } from './support.js';

/**
 * IAM offline: two probe functions (./fixtures/iam) make SDK calls through the runtime, each with
 * the clients of its own cold start; the gateway in front of the emulators answers as AWS would
 * for that function's role in the synthesized template.
 */
let runtime: OfflineRuntime;
let data: Awaited<ReturnType<typeof temporaryDataDir>>;

interface ProbeAnswer {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly name?: string;
  readonly status?: number;
}

const probe = async (fn: 'reader' | 'lister', call: string, input: Record<string, string> = {}): Promise<ProbeAnswer> => {
  const response = await fetch(`${runtime.urls.app}/${fn}/${call}`, { method: 'POST', body: JSON.stringify(input) });
  expect(response.status).toBe(200);
  return (await response.json()) as ProbeAnswer;
};

beforeAll(async () => {
  // A variable of the machine that is no configuration of any function.
  process.env.TP_IAM_TEST_HOST_ONLY = 'host';
  data = await temporaryDataDir();
  runtime = await boot(data.path, { declarations: iamProbeDeclarations });
  // Written by the operator (the runtime's own key), as a browser's upload would be.
  const operator = createS3Client({ endpoint: runtime.urls.s3, maxAttempts: 1 });
  await operator.send(new PutObjectCommand({ Bucket: runtime.uploadBucket, Key: 'pv/present.pdf', Body: 'probe', ContentType: 'application/pdf' }));
  await operator.send(new PutObjectCommand({ Bucket: runtime.uploadBucket, Key: 'quarantine/refused.pdf', Body: 'refused' }));
  operator.destroy();
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  await data?.remove();
  delete process.env.TP_IAM_TEST_HOST_ONLY;
});

describe('a function may do offline what its role allows, and nothing else', () => {
  it('given read access to the views table, GetItem is served and PutItem and UpdateItem are refused with DynamoDB’s AccessDeniedException', async () => {
    expect(await probe('reader', 'getItem')).toMatchObject({ ok: true });
    expect(await probe('reader', 'putItem')).toMatchObject({ ok: false, name: 'AccessDeniedException', status: 400 });
    expect(await probe('reader', 'updateItem')).toMatchObject({ ok: false, name: 'AccessDeniedException' });
    expect(quietLog.some((line) => line.includes('reader may not dynamodb:PutItem on arn:aws:dynamodb:eu-west-3:000000000000:table/local-tp-views'))).toBe(true);
  });

  it('given no grant at all on a table, even reading it is refused', async () => {
    expect(await probe('lister', 'getItem')).toMatchObject({ ok: false, name: 'AccessDeniedException' });
  });

  it('given append access to the event store, PutItem is served and UpdateItem is refused', async () => {
    const events = runtime.tables.events;
    expect(await probe('lister', 'putItem', { table: events })).toMatchObject({ ok: true });
    expect(await probe('lister', 'updateItem', { table: events })).toMatchObject({ ok: false, name: 'AccessDeniedException' });
  });
});

describe('SES, Secrets Manager and SQS calls are checked too', () => {
  it('given no secret declared, GetSecretValue is refused; declared, it is served', async () => {
    expect(await probe('reader', 'getSecret', { secretId: 'local-tp-cursor-secret' })).toMatchObject({ ok: false, name: 'AccessDeniedException' });
    expect(await probe('lister', 'getSecret', { secretId: 'local-tp-cursor-secret' })).toMatchObject({ ok: true });
  });

  it('given no mail grant, SendEmail is refused with SES’s AccessDeniedException; granted, the mail is sent', async () => {
    expect(await probe('reader', 'sendEmail')).toMatchObject({ ok: false, name: 'AccessDeniedException', status: 403 });
    expect(await probe('lister', 'sendEmail')).toMatchObject({ ok: true });
  });

  it('given no queue grant, SendMessage to the retry queue is refused', async () => {
    const queueUrl = `${runtime.urls.app.replace('localhost', '127.0.0.1')}/000000000000/local-tp-mail-retry`;
    expect(await probe('lister', 'sendMessage', { queueUrl })).toMatchObject({ ok: false, name: 'AccessDeniedException' });
  });
});

describe('S3 answers a missing key as AWS does', () => {
  it('given read but no s3:ListBucket on pv/, a missing key is 403 AccessDenied, not 404', async () => {
    expect(await probe('reader', 'getObject', { key: 'pv/missing.pdf' })).toMatchObject({ ok: false, name: 'AccessDenied', status: 403 });
    expect(await probe('reader', 'headObject', { key: 'pv/missing.pdf' })).toMatchObject({ ok: false, status: 403 });
    expect(await probe('reader', 'getObject', { key: 'pv/present.pdf' })).toMatchObject({ ok: true, result: 'probe' });
  });

  it('given s3:ListBucket on pv/, the same missing key is 404 NoSuchKey', async () => {
    expect(await probe('lister', 'getObject', { key: 'pv/missing.pdf' })).toMatchObject({ ok: false, name: 'NoSuchKey', status: 404 });
  });

  it('given read on pv/ only, an object elsewhere in the bucket is refused', async () => {
    expect(await probe('reader', 'getObject', { key: 'quarantine/refused.pdf' })).toMatchObject({ ok: false, name: 'AccessDenied', status: 403 });
  });
});

describe('presigned URLs are verified', () => {
  const presigned = async (key: string) => {
    const answer = await probe('reader', 'presignGet', { key });
    expect(answer.ok).toBe(true);
    return answer.result as string;
  };
  const codeOf = async (response: Response) => /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];

  it('given a URL presigned by a function, it is served as signed and refused once tampered with', async () => {
    const url = await presigned('pv/present.pdf');
    const intact = await fetch(url);
    expect(intact.status).toBe(200);
    expect(await intact.text()).toBe('probe');

    const otherKey = await fetch(url.replace('present.pdf', 'presenT.pdf'));
    expect(otherKey.status).toBe(403);
    expect(await codeOf(otherKey)).toBe('SignatureDoesNotMatch');

    const longer = await fetch(url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604800'));
    expect(longer.status).toBe(403);
    expect(await codeOf(longer)).toBe('SignatureDoesNotMatch');
  });

  it('given a well-signed URL for a key outside the function’s grants, it is refused', async () => {
    const response = await fetch(await presigned('quarantine/refused.pdf'));
    expect(response.status).toBe(403);
    expect(await codeOf(response)).toBe('AccessDenied');
  });

  it('given a request with no signature at all, S3 refuses it', async () => {
    const response = await fetch(`${runtime.urls.s3}/${runtime.uploadBucket}/pv/present.pdf`);
    expect(response.status).toBe(403);
  });
});

describe('each function sees only its own environment', () => {
  const isHostVariable = (name: string) => (HOST_VARIABLES as readonly string[]).includes(name) || HOST_VARIABLE_PREFIXES.some((prefix) => name.startsWith(prefix));
  const known = new Set<string>([...LAMBDA_RUNTIME_VARIABLES, ...OFFLINE_ENDPOINT_VARIABLES, ...LIBRARY_VARIABLES]);

  it('given each probe, process.env at cold start and in an invocation is its Lambda’s variables and what Lambda sets, nothing of the other probe or the machine', async () => {
    const { template } = await offlineTemplate(iamProbeDeclarations, projectRoot);
    for (const name of ['reader', 'lister'] as const) {
      const lambda = Object.values(template.Resources).find((resource) => resource.Properties?.FunctionName === `dev-tp-${name}`);
      const templateVariables = Object.keys((lambda?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables).filter((v) => v !== 'AUTH_HOSTED_UI_URL');
      const expected = runtime.environmentOf(name);
      const response = await fetch(`${runtime.urls.app}/${name}/env`, { method: 'POST' });
      const seen = (await response.json()) as { coldStart: Record<string, string>; invocation: Record<string, string> };
      expect(seen.coldStart).toEqual(expected);
      expect(seen.invocation).toEqual(expected);
      const own = Object.keys(seen.invocation).filter((variable) => !known.has(variable) && !isHostVariable(variable));
      expect(own.sort()).toEqual([...templateVariables].sort());
      expect(seen.invocation.TP_IAM_TEST_HOST_ONLY).toBeUndefined();
      expect(seen.invocation.AWS_ACCESS_KEY_ID).toBe(`AKIALOCAL${name.toUpperCase()}`);
      expect(Object.values(seen.invocation).some((value) => value.includes('unresolved:'))).toBe(false);
    }
    const reader = runtime.environmentOf('reader') ?? {};
    const lister = runtime.environmentOf('lister') ?? {};
    expect(reader.VIEWS_TABLE_NAME).toBe(runtime.tables.views);
    expect(reader.EVENTS_TABLE_NAME).toBeUndefined();
    expect(lister.EVENTS_TABLE_NAME).toBe(runtime.tables.events);
    expect(lister.VIEWS_TABLE_NAME).toBeUndefined();
    expect(reader.UPLOAD_BUCKET_NAME).toBe(runtime.uploadBucket);
  });

  it('given the runtime’s own code, outside any function, process.env is the machine’s', () => {
    expect(process.env.TP_IAM_TEST_HOST_ONLY).toBe('host');
  });
});
