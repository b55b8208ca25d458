import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './httpApi.js';

/**
 * The Secrets Manager stand-in: `GetSecretValue` of the Secrets Manager JSON protocol
 * (`X-Amz-Target: secretsmanager.GetSecretValue`) on the app's port, as the SQS stand-in
 * (queue.ts) serves SQS; the SDK is pointed at it by `SECRETS_MANAGER_ENDPOINT`. It holds the
 * runtime's local secrets (kept in `<stateDir>/secrets.json` by the runtime) under ARNs shaped like
 * AWS's, which is all the functions get in their environment, as in AWS.
 */
export interface LocalSecret {
  /** Short name, as the stack would name it (`local-tp-cursor-secret`). */
  readonly name: string;
  readonly value: string;
}

const ACCOUNT = '000000000000';
const REGION = 'eu-west-3';
// AWS appends six random characters to a secret's name in its ARN; fixed here so the ARN is stable.
const SUFFIX = 'AbCdEf';

export class LocalSecretsManager {
  private readonly byId = new Map<string, { arn: string; name: string; value: string }>();

  constructor(secrets: readonly LocalSecret[]) {
    for (const { name, value } of secrets) {
      const entry = { arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${SUFFIX}`, name, value };
      // A secret is found by its ARN or its name, as GetSecretValue accepts both.
      this.byId.set(entry.arn, entry);
      this.byId.set(name, entry);
    }
  }

  /** The ARN a function is given for a secret (`CURSOR_SECRET_ARN`…). */
  arnOf(name: string): string {
    const entry = this.byId.get(name);
    if (!entry) throw new Error(`No local secret named ${name}`);
    return entry.arn;
  }

  /** Whether the request is a Secrets Manager API call (the SDK sends `X-Amz-Target: secretsmanager.<Action>`). */
  static isSecretsManagerCall(request: IncomingMessage): boolean {
    return request.method === 'POST' && String(request.headers['x-amz-target'] ?? '').startsWith('secretsmanager.');
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const action = String(request.headers['x-amz-target']).slice('secretsmanager.'.length);
    const error = (status: number, type: string, message: string) => sendJson(response, status, { __type: type, message }, { 'x-amzn-errortype': type });
    let input: { SecretId?: unknown };
    try {
      input = JSON.parse((await readBody(request, 64 * 1024)).toString('utf8')) as { SecretId?: unknown };
    } catch {
      return error(400, 'InvalidRequestException', 'The request body is not JSON.');
    }
    if (action !== 'GetSecretValue') return error(400, 'InvalidRequestException', `${action} is not supported offline.`);
    const entry = typeof input.SecretId === 'string' ? this.byId.get(input.SecretId) : undefined;
    if (!entry) return error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    sendJson(response, 200, {
      ARN: entry.arn,
      Name: entry.name,
      SecretString: entry.value,
      VersionId: '00000000-0000-0000-0000-000000000001',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 0,
    });
  }
}
