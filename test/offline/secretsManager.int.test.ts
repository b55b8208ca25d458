import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSecretsManager } from '../../infra/offline/secrets.js';
import { secretReader, SecretError } from '../../shared/platform/secrets.js';
import { configOf } from '../../shared/platform/config.js';
import { defineFunction } from '../../shared/platform/declarations.js';

/**
 * The Secrets Manager stand-in (JSON protocol on an HTTP port, as the runtime serves it on the
 * app's) read through the functions' own getter: Powertools Parameters over the SDK client.
 */
let server: Server;
let endpoint: string;
let calls = 0;
const key = 'k'.repeat(48);
const manager = new LocalSecretsManager([
  { name: 'local-tp-cursor-secret', value: key },
  { name: 'local-tp-short', value: 'too short' },
]);

beforeAll(async () => {
  server = createServer((request, response) => {
    if (!LocalSecretsManager.isSecretsManagerCall(request)) return response.writeHead(404).end();
    calls += 1;
    void manager.handle(request, response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

const getter = (arn: string) => secretReader('cursor', arn, { secretsManager: endpoint });

const withCursor = defineFunction({ name: 'withCursor', entry: 'x.ts', description: 'test', trigger: { kind: 'queue', queue: 'mailRetry' }, resources: { secrets: ['cursor'] } });

describe('a declared secret, read from Secrets Manager', () => {
  it('given its ARN only, when read twice, then the value comes from Secrets Manager once and is kept', async () => {
    const before = calls;
    const read = getter(manager.arnOf('local-tp-cursor-secret'));
    expect(await read()).toBe(key);
    expect(await read()).toBe(key);
    expect(calls - before).toBe(1);
  });

  it('given an ARN Secrets Manager does not know, when read, then it fails as AWS answers (ResourceNotFoundException)', async () => {
    await expect(getter('arn:aws:secretsmanager:eu-west-3:000000000000:secret:nothing-AbCdEf')()).rejects.toThrow(/can't find the specified secret/);
  });

  it('given a value too short for an HMAC key, when read, then it fails without showing the value', async () => {
    const failure = getter(manager.arnOf('local-tp-short'))();
    await expect(failure).rejects.toBeInstanceOf(SecretError);
    await expect(failure).rejects.not.toThrow(/too short/);
  });

  it('given no ARN in the environment, when the function starts, then the cold start fails naming the variable', () => {
    expect(() => configOf(withCursor, { STAGE: 'local', APP_URL: 'http://127.0.0.1' })).toThrow(/CURSOR_SECRET_ARN/);
  });
});
