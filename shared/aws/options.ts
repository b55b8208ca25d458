/**
 * What every SDK client factory shares. In AWS no endpoint is given and the SDK uses the Lambda's
 * role and region; offline and in integration tests the endpoint of an emulator is passed, with
 * the credentials of the environment, as Lambda gives a role's: offline each function gets a key
 * of its own, which the gateway in front of the emulators checks against that function's policy
 * (infra/offline/iam/gateway.ts); a test or a script without any signs as the local operator.
 * Functions call the factories once, at module scope.
 *
 * One module per client (dynamo.ts, s3.ts, ses.ts): the SDK packages are not marked free of side
 * effects, so a module importing all three would put all three in every Lambda bundle.
 */
export interface ClientOptions {
  readonly endpoint?: string | undefined;
  readonly region?: string;
  readonly maxAttempts?: number;
  /**
   * How long one attempt may take before it fails as a `TimeoutError` (retryable); none by default,
   * the Lambda's timeout bounding the call. The SDK's own shorthand for its HTTP handler's options.
   */
  readonly requestTimeoutMs?: number;
}

/** Read when the client is built: inside a function's cold start, that function's own key. */
const offlineCredentials = (env: NodeJS.ProcessEnv = process.env) => ({
  accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
  secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
  ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
});

/**
 * The one retry layer: the SDK's standard mode (exponential backoff with jitter, a longer base for
 * throttling, a retry quota that stops a storm of retries against a failing service), 5 attempts.
 * Adapters never wrap calls in a retry of their own; only a batch write's `UnprocessedItems`, which
 * the SDK does not retry, is sent again by its adapter.
 */
export const commonClientConfig = (options: ClientOptions) => ({
  region: options.region ?? process.env.AWS_REGION ?? 'eu-west-3',
  retryMode: 'standard',
  maxAttempts: options.maxAttempts ?? 5,
  ...(options.requestTimeoutMs
    ? { requestHandler: { connectionTimeout: Math.min(3_000, options.requestTimeoutMs), requestTimeout: options.requestTimeoutMs, throwOnRequestTimeout: true } }
    : {}),
  ...(options.endpoint ? { endpoint: options.endpoint, credentials: offlineCredentials() } : {}),
});
