import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { parseTraceHeader, traceHeaderOf } from './invocation.js';

/**
 * X-Ray on the SDK clients: each DynamoDB, S3, SES, SQS and Secrets Manager call becomes a
 * subsegment of the Lambda's trace (the stack turns active tracing on), sent to the X-Ray daemon
 * that Lambda runs beside the function, as the X-Ray SDK does.
 *
 * Why not Powertools' Tracer: it runs on aws-xray-sdk-core, which is in maintenance mode and
 * reaches end of support on 2027-02-25 (docs/supply-chain.md), weighed about 115 KB of every
 * bundle with its cls-hooked and semver (issue 16: cold starts), and enabled a process-wide async
 * hook. What it did for us fits in one middleware on the SDK's stack:
 *
 * - in Lambda only (`AWS_EXECUTION_ENV`): offline, in tests and in scripts clients are unchanged;
 * - only for a sampled invocation (`Sampled=1` in the invocation's trace header, read per call
 *   from the invoke store, or `_X_AMZN_TRACE_ID` where the runtime sets the environment);
 * - one subsegment per call, retries included (the middleware sits before the retry step): the
 *   service, the operation, the region, the request id, the retry count, the table, bucket or queue
 *   named, the HTTP status and the error, fault and throttle flags. Never the parameters or the
 *   answer: they carry personal data (candidates, sessions);
 * - the outgoing request carries `X-Amzn-Trace-Id` with the subsegment as parent, so AWS links the
 *   call in the service map.
 *
 * Handlers are not captured (Lambda's own segment times them), nor HTTP calls outside the SDK.
 */

/** Where the daemon listens: `AWS_XRAY_DAEMON_ADDRESS` is `host:port` or `udp:host:port tcp:host:port`. */
export const daemonAddress = (value: string | undefined): { readonly host: string; readonly port: number } => {
  const udp =
    value
      ?.split(/\s+/)
      .find((part) => part.startsWith('udp:'))
      ?.slice(4) ?? value?.split(/\s+/).find((part) => !part.includes('tcp:'));
  const match = udp ? /^(.+):(\d+)$/.exec(udp) : null;
  return match?.[1] && match[2] ? { host: match[1], port: Number(match[2]) } : { host: '127.0.0.1', port: 2000 };
};

/** What the middleware needs from its surroundings: Lambda's in production, a test's otherwise. */
export interface Tracing {
  /** The trace header of the invocation under way, if any. */
  readonly traceHeader: () => string | undefined;
  /** Sends one subsegment document (already framed for the daemon). */
  readonly send: (datagram: string) => void;
}

/** The daemon's framing: a header line, then the document. */
const framed = (document: object) => `{"format":"json","version":1}\n${JSON.stringify(document)}`;

// The error names the SDK itself classes as throttling (its retry strategy backs off longer on them).
const throttlingNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'SlowDown',
]);

interface SdkMetadata {
  readonly httpStatusCode?: number;
  readonly requestId?: string;
  readonly attempts?: number;
}

interface HandlerContext {
  readonly clientName?: string;
  readonly commandName?: string;
}

interface BuildArgs {
  readonly input?: Record<string, unknown>;
  readonly request?: unknown;
}

type Next = (args: BuildArgs) => Promise<{ readonly output?: { readonly $metadata?: SdkMetadata } }>;

/** The named resource, without the key or any parameter that could carry data. */
const resourceOf = (input: Record<string, unknown> = {}): Record<string, string> => {
  const pick = (name: string) => (typeof input[name] === 'string' ? (input[name] as string) : undefined);
  const table = pick('TableName');
  const bucket = pick('Bucket');
  const queue = pick('QueueUrl');
  return { ...(table ? { table_name: table } : {}), ...(bucket ? { bucket_name: bucket } : {}), ...(queue ? { queue_url: queue } : {}) };
};

const setHeader = (request: unknown, value: string) => {
  const headers = (request as { headers?: Record<string, string> } | undefined)?.headers;
  if (headers && typeof headers === 'object') headers['X-Amzn-Trace-Id'] = value;
};

export const MIDDLEWARE_NAME = 'tpSessionsXRay';

const middleware = (tracing: Tracing, region: () => Promise<string>) => (next: Next, context: HandlerContext) => async (args: BuildArgs) => {
  const header = parseTraceHeader(tracing.traceHeader());
  if (!header?.sampled) return next(args);
  const id = randomBytes(8).toString('hex');
  setHeader(args.request, `Root=${header.root};Parent=${id};Sampled=1`);
  const startTime = Date.now() / 1000;
  const record = async (metadata: SdkMetadata | undefined, error?: { readonly name: string; readonly message: string }) => {
    const status = metadata?.httpStatusCode;
    const throttled = status === 429 || (error !== undefined && throttlingNames.has(error.name));
    const flags = {
      ...(status !== undefined && status >= 400 && status < 500 ? { error: true } : {}),
      ...((status !== undefined && status >= 500) || (error && status === undefined) ? { fault: true } : {}),
      ...(throttled ? { throttle: true } : {}),
    };
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    tracing.send(
      framed({
        id,
        trace_id: header.root,
        parent_id: header.parent,
        type: 'subsegment',
        name: (context.clientName ?? 'AWS').replace(/Client$/, ''),
        namespace: 'aws',
        start_time: startTime,
        end_time: Date.now() / 1000,
        aws: {
          operation,
          region: await region().catch(() => 'unknown'),
          ...(metadata?.requestId ? { request_id: metadata.requestId } : {}),
          retries: Math.max(0, (metadata?.attempts ?? 1) - 1),
          ...resourceOf(args.input),
        },
        ...(status !== undefined ? { http: { response: { status } } } : {}),
        ...flags,
        ...(error ? { cause: { exceptions: [{ id: randomBytes(8).toString('hex'), type: error.name, message: error.message }] } } : {}),
      }),
    );
  };
  try {
    const result = await next(args);
    await record(result.output?.$metadata);
    return result;
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    await record((error as { $metadata?: SdkMetadata }).$metadata, failure);
    throw error;
  }
};

/** The part of an SDK v3 client this module touches. */
interface Instrumentable {
  readonly middlewareStack: {
    add(middleware: unknown, options: { readonly step: 'build'; readonly name: string; readonly priority: 'high' }): void;
    remove(name: string): boolean;
  };
  readonly config: { readonly region: string | (() => Promise<string>) };
}

/** Adds the subsegment middleware to a client (again: replaces it), and returns the client. */
export const traceClient = <TClient>(client: TClient, tracing: Tracing): TClient => {
  const sdk = client as unknown as Instrumentable;
  const { region } = sdk.config;
  sdk.middlewareStack.remove(MIDDLEWARE_NAME);
  sdk.middlewareStack.add(middleware(tracing, typeof region === 'function' ? region : () => Promise.resolve(region)), {
    step: 'build',
    name: MIDDLEWARE_NAME,
    // Before the SDK's recursion detection, which sets the header only where none is set yet.
    priority: 'high',
  });
  return client;
};

/** Lambda's: the invocation's trace header, and the daemon beside the function over UDP. */
export const lambdaTracing = (env: NodeJS.ProcessEnv): Tracing => {
  const { host, port } = daemonAddress(env.AWS_XRAY_DAEMON_ADDRESS);
  let socket: Socket | undefined;
  return {
    traceHeader: () => traceHeaderOf(env),
    send: (datagram) => {
      // An error event without a listener would end the process: tracing never may. `node:dgram`
      // loads with the first datagram, not with every cold start (issue 16).
      socket ??= process
        .getBuiltinModule('node:dgram')
        .createSocket('udp4')
        .unref()
        .on('error', () => undefined);
      // A lost subsegment must never fail the call it describes.
      socket.send(datagram, port, host, () => undefined);
    },
  };
};

const inLambda = Boolean(process.env.AWS_EXECUTION_ENV) && !process.env.AWS_SAM_LOCAL;
const tracing = inLambda ? lambdaTracing(process.env) : undefined;

/** Wraps an SDK client where it is created, once per function. */
export const traced = <TClient>(client: TClient): TClient => (tracing ? traceClient(client, tracing) : client);
