import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { readBody, replayRequest } from '../requestBody.js';
import { sendS3Error } from '../s3Rules.js';
import { deleteObjectsRequests, dynamoRequests, s3Requests, secretsRequests, sesRequests, sqsRequests, UnmappedRequestError, type Partition } from './actions.js';
import { evaluate, type AuthorizationRequest } from './policy.js';
import type { OfflineFunction } from './resolve.js';
import { verifySignature, type SignatureCheck } from './sigv4.js';

/**
 * The gateway in front of every emulator (dynalite, s3rver, aws-ses-v2-local, and the SQS and
 * Secrets Manager stand-ins on the app's port): before a request reaches the emulator it does what
 * AWS does first, so a call that AWS would refuse is refused offline, with the error AWS gives.
 *
 * 1. The SigV4 signature is verified (header or presigned query): a tampered or expired presigned
 *    URL, an unknown key or a wrong secret is refused.
 * 2. The access key names the caller. Each function signs with its own key (`AKIALOCAL<NAME>`, its
 *    secret derived from the runtime's), given to it in its environment as Lambda gives a role's
 *    credentials. The runtime itself, the tests and the scripts sign with the operator's key
 *    (`local`), which is not checked against any policy: it is the account's administrator.
 * 3. The request is mapped to its IAM action(s) and resource ARN(s) (./actions.ts) and evaluated
 *    against the function's role policies from the synthesized template (./policy.ts).
 * 4. S3: a GetObject/HeadObject of a missing key answers 403 AccessDenied, not 404, unless the
 *    caller may `s3:ListBucket` that key, as S3 does; CORS preflights pass unauthenticated.
 */
export const OPERATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface FunctionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The access key id of a function: readable in logs, AWS-shaped. */
const accessKeyIdOf = (functionName: string): string => `AKIALOCAL${functionName.toUpperCase()}`;

export interface GatewayOptions {
  readonly partition: Partition;
  readonly functions: readonly OfflineFunction[];
  /**
   * Seed of the functions' secrets. Fixed by default: a handler module is loaded once per process
   * and keeps the clients of its cold start, so a runtime restarted in the same process (the tests
   * do) must give each function the same key again.
   */
  readonly seed?: string;
  /** A secret's ARN from its id (name or ARN), for Secrets Manager calls. */
  readonly secretArnOf?: (secretId: string) => string;
  /** Where refusals are reported (one line each). */
  readonly log?: (line: string) => void;
}

type Service = 'dynamodb' | 's3' | 'ses' | 'sqs' | 'secretsmanager';

interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

type Principal = { readonly kind: 'operator' } | { readonly kind: 'function'; readonly fn: OfflineFunction };

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8') || '{}') as unknown;
  } catch {
    return {};
  }
};

const header = (request: IncomingMessage, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};

export class IamGateway {
  private readonly seed: string;
  private readonly byKey = new Map<string, { readonly secret: string; readonly principal: Principal }>();

  constructor(private readonly options: GatewayOptions) {
    this.seed = options.seed ?? 'tp-sessions offline functions';
    this.byKey.set(OPERATOR_CREDENTIALS.accessKeyId, { secret: OPERATOR_CREDENTIALS.secretAccessKey, principal: { kind: 'operator' } });
    for (const fn of options.functions) {
      const { accessKeyId, secretAccessKey } = this.credentialsOf(fn.name);
      this.byKey.set(accessKeyId, { secret: secretAccessKey, principal: { kind: 'function', fn } });
    }
  }

  /** The key pair a function signs with (its environment's `AWS_ACCESS_KEY_ID` and secret). */
  credentialsOf(functionName: string): FunctionCredentials {
    return { accessKeyId: accessKeyIdOf(functionName), secretAccessKey: createHmac('sha256', this.seed).update(functionName).digest('hex') };
  }

  /** Every key pair the gateway accepts (s3rver wants to know them too). */
  keyPairs(): FunctionCredentials[] {
    return [...this.byKey.entries()].map(([accessKeyId, { secret }]) => ({ accessKeyId, secretAccessKey: secret }));
  }

  private check(service: Service, request: IncomingMessage, body?: Buffer): { principal: Principal } | { refusal: Refusal } {
    const signature = verifySignature(
      { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, ...(body ? { body } : {}) },
      (id) => this.byKey.get(id)?.secret,
      {
        s3: service === 's3',
      },
    );
    if (!signature.ok) return { refusal: this.signatureRefusal(service, signature) };
    const principal = this.byKey.get(signature.accessKeyId)?.principal;
    return principal ? { principal } : { refusal: this.signatureRefusal(service, { ok: false, failure: 'unknownKey', presigned: signature.presigned }) };
  }

  private signatureRefusal(service: Service, check: Exclude<SignatureCheck, { ok: true }>): Refusal {
    if (service === 's3') {
      switch (check.failure) {
        case 'missing':
          return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
        case 'unknownKey':
          return { status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
        case 'expired':
          return { status: 403, code: 'AccessDenied', message: 'Request has expired' };
        case 'malformed':
          return { status: 400, code: 'AuthorizationQueryParametersError', message: 'Error parsing the X-Amz-Credential parameter' };
        case 'mismatch':
          return {
            status: 403,
            code: 'SignatureDoesNotMatch',
            message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
          };
      }
    }
    const status = service === 'ses' ? 403 : 400;
    switch (check.failure) {
      case 'missing':
        return { status: service === 'ses' ? 403 : 400, code: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' };
      case 'unknownKey':
        return { status, code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
      default:
        return {
          status,
          code: 'InvalidSignatureException',
          message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
        };
    }
  }

  private accessDenied(service: Service, fn: OfflineFunction, denied: AuthorizationRequest): Refusal {
    const who = `arn:aws:sts::${this.options.partition.account}:assumed-role/local-tp-${fn.name}-role/local-tp-${fn.name}`;
    const message = `User: ${who} is not authorized to perform: ${denied.action} on resource: ${denied.resource} because no identity-based policy allows the ${denied.action} action`;
    this.options.log?.(`⛔ IAM: ${fn.name} may not ${denied.action} on ${denied.resource} (its role in the synthesized template does not allow it)`);
    if (service === 's3') return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
    if (service === 'ses') return { status: 403, code: 'AccessDeniedException', message };
    return { status: 400, code: 'AccessDeniedException', message };
  }

  private unmapped(service: Service, fn: OfflineFunction, error: Error): Refusal {
    this.options.log?.(`⛔ IAM: ${fn.name}: ${error.message} is not mapped to an IAM action offline (infra/offline/iam/actions.ts): refused`);
    return service === 's3'
      ? { status: 403, code: 'AccessDenied', message: 'Access Denied' }
      : { status: service === 'ses' ? 403 : 400, code: 'AccessDeniedException', message: error.message };
  }

  private send(service: Service, response: ServerResponse, refusal: Refusal): void {
    if (service === 's3') return sendS3Error(response, refusal);
    const requestId = randomBytes(16).toString('hex');
    const json = service === 'ses';
    const body = JSON.stringify(json ? { message: refusal.message } : { __type: `com.amazon.coral.service#${refusal.code}`, message: refusal.message });
    response.writeHead(refusal.status, {
      'content-type': json ? 'application/json' : service === 'dynamodb' || service === 'sqs' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(body),
      'x-amzn-errortype': refusal.code,
      'x-amzn-requestid': requestId,
    });
    response.end(body);
  }

  /** The decision for a function's requests: undefined when all are allowed. */
  private decide(service: Service, fn: OfflineFunction, requests: () => AuthorizationRequest[]): Refusal | undefined {
    let mapped: AuthorizationRequest[];
    try {
      mapped = requests();
    } catch (error) {
      if (error instanceof UnmappedRequestError) return this.unmapped(service, fn, error);
      throw error;
    }
    const denied = mapped.find((request) => evaluate(fn.statements, request) !== 'allowed');
    return denied ? this.accessDenied(service, fn, denied) : undefined;
  }

  /** Guards a JSON-protocol emulator (DynamoDB, SQS, Secrets Manager) or SES v2 REST. */
  private guardBuffered(service: Exclude<Service, 's3'>, handler: RequestListener, mapping: (request: IncomingMessage, body: unknown) => AuthorizationRequest[]): RequestListener {
    return (request, response) => {
      readBody(request)
        .then((body) => {
          const checked = this.check(service, request, body);
          if ('refusal' in checked) return this.send(service, response, checked.refusal);
          if (checked.principal.kind === 'function') {
            const { fn } = checked.principal;
            const refusal = this.decide(service, fn, () => mapping(request, parseJson(body)));
            if (refusal) return this.send(service, response, refusal);
          }
          handler(replayRequest(request, body), response);
        })
        .catch((error: unknown) => this.fail(service, response, error));
    };
  }

  dynamo(handler: RequestListener): RequestListener {
    return this.guardBuffered('dynamodb', handler, (request, body) => dynamoRequests(header(request, 'x-amz-target'), body, this.options.partition));
  }

  sqs(handler: RequestListener): RequestListener {
    return this.guardBuffered('sqs', handler, (request, body) => sqsRequests(header(request, 'x-amz-target'), body, this.options.partition));
  }

  secretsManager(handler: RequestListener): RequestListener {
    const arnOf = this.options.secretArnOf ?? ((id: string) => id);
    return this.guardBuffered('secretsmanager', handler, (request, body) => secretsRequests(header(request, 'x-amz-target'), body, arnOf));
  }

  /** SES's API paths are guarded; the mailbox page the emulator also serves is not AWS's and passes. */
  ses(handler: RequestListener): RequestListener {
    const guarded = this.guardBuffered('ses', handler, (request, body) =>
      sesRequests(request.method ?? 'GET', (request.url ?? '/').split('?')[0] ?? '/', body, this.options.partition),
    );
    return (request, response) => {
      const isApi = (request.url ?? '').startsWith('/v2/') || request.headers.authorization !== undefined;
      (isApi ? guarded : handler)(request, response);
    };
  }

  /** A fault of the gateway itself (a policy it cannot read): the service's 500, and a line saying why. */
  private fail(service: Service, response: ServerResponse, error: unknown): void {
    this.options.log?.(`✗ IAM gateway: ${(error as Error).stack ?? String(error)}`);
    if (response.headersSent) return void response.destroy();
    this.send(service, response, { status: 500, code: service === 's3' ? 'InternalError' : 'InternalFailure', message: (error as Error).message });
  }

  s3(handler: RequestListener): RequestListener {
    const guarded = this.guardS3(handler);
    return (request, response) => {
      try {
        guarded(request, response);
      } catch (error) {
        request.resume();
        this.fail('s3', response, error);
      }
    };
  }

  private guardS3(handler: RequestListener): RequestListener {
    return (request, response) => {
      // A CORS preflight carries no credentials: S3 answers it from the bucket's CORS alone.
      if (request.method === 'OPTIONS') return handler(request, response);
      const checked = this.check('s3', request);
      if ('refusal' in checked) {
        request.resume();
        return this.send('s3', response, checked.refusal);
      }
      if (checked.principal.kind === 'operator') return handler(request, response);
      const { fn } = checked.principal;
      let authorization: ReturnType<typeof s3Requests>;
      try {
        authorization = s3Requests(request.method ?? 'GET', request.url ?? '/', request.headers);
      } catch (error) {
        if (!(error instanceof UnmappedRequestError)) throw error;
        request.resume();
        return this.send('s3', response, this.unmapped('s3', fn, error));
      }
      const proceed = (target: IncomingMessage, requests: AuthorizationRequest[]) => {
        const refusal = this.decide('s3', fn, () => requests);
        if (refusal) {
          target.resume();
          return this.send('s3', response, refusal);
        }
        const reads = authorization.readsObject;
        if (reads) {
          const listing = { action: 's3:ListBucket', resource: `arn:aws:s3:::${reads.bucket}`, context: { 's3:prefix': reads.key } };
          if (evaluate(fn.statements, listing) !== 'allowed') hideMissingKey(response);
        }
        handler(target, response);
      };
      if (authorization.deletesFromBody) {
        const bucket = authorization.deletesFromBody;
        readBody(request)
          .then((body) => proceed(replayRequest(request, body), deleteObjectsRequests(bucket, body.toString('utf8'))))
          .catch((error: unknown) => this.fail('s3', response, error));
        return;
      }
      proceed(request, authorization.requests);
    };
  }
}

/**
 * Without `s3:ListBucket`, S3 does not tell a missing key from a forbidden one: its 404 becomes
 * 403 AccessDenied. The emulator's answer is rewritten as it is sent.
 */
const hideMissingKey = (response: ServerResponse): void => {
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  let rewritten = false;
  response.end = ((...args: unknown[]) => {
    if (rewritten || response.statusCode !== 404 || response.headersSent) return end(...args);
    rewritten = true;
    for (const name of response.getHeaderNames()) response.removeHeader(name);
    response.end = end as typeof response.end;
    sendS3Error(response, { status: 403, code: 'AccessDenied', message: 'Access Denied' });
    return response;
  }) as typeof response.end;
};
