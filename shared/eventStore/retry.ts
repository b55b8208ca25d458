/**
 * Bounded exponential backoff with full jitter for DynamoDB throttling and server errors. The SDK
 * retries too (its own layer, `maxAttempts` on the client); this layer exists because the store's
 * operations must stay correct and testable whatever the client is configured with, and because a
 * BatchWriteItem's unprocessed items are not retried by the SDK at all.
 */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
  /** Upper bound of the first delay; doubles per attempt. */
  readonly baseDelayMs: number;
  /** Cap of any single delay. */
  readonly maxDelayMs: number;
  /** Injected so tests neither wait nor depend on chance. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 25,
  maxDelayMs: 1_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

const retryableNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'InternalFailure',
]);

/** Whether an SDK error is worth another attempt: throttling or a 5xx, never a refused condition. */
export const isRetryable = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  if (retryableNames.has(error.name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
};

/** Delay before attempt `attempt + 1` (attempt counts from 1): uniform in [0, min(cap, base·2^(attempt-1))]. */
export const backoffDelay = (policy: RetryPolicy, attempt: number): number =>
  Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));

/** Runs `operation`, retrying retryable failures; the last error surfaces unchanged. */
export const withRetry = async <T>(policy: RetryPolicy, operation: () => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.maxAttempts) throw error;
      await policy.sleep(backoffDelay(policy, attempt));
    }
  }
};
