/**
 * What every SDK client factory shares. In AWS no endpoint is given and the SDK uses the Lambda's
 * role and region; offline and in integration tests the endpoint of an emulator is passed, with
 * dummy credentials. Functions call the factories once, at module scope.
 *
 * One module per client (dynamo.ts, s3.ts, ses.ts): the SDK packages are not marked free of side
 * effects, so a module importing all three would put all three in every Lambda bundle.
 */
export interface ClientOptions {
  readonly endpoint?: string | undefined;
  readonly region?: string;
  readonly maxAttempts?: number;
}

const offlineCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export const commonClientConfig = (options: ClientOptions) => ({
  region: options.region ?? process.env.AWS_REGION ?? 'eu-west-3',
  maxAttempts: options.maxAttempts ?? 5,
  ...(options.endpoint ? { endpoint: options.endpoint, credentials: offlineCredentials } : {}),
});
