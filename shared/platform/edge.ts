import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, publishMetrics } from './observability.js';
import { installSourceMappedStacks, runsFromBundle } from './stackTrace.js';

// In Lambda, stack traces name the TypeScript sources, the maps read only when an error is logged.
if (runsFromBundle(import.meta.url)) installSourceMappedStacks();

/**
 * The edge every handler is wrapped in, whatever its trigger (HTTP, stream, schedule, S3, queue,
 * EventBridge): one middy stack with the logger given the Lambda context (function name, request
 * id, cold start) and the correlation id of what the invocation handles, and the metrics
 * of the invocation written as one EMF line when it ends. The HTTP edge (shared/http/edge.ts) adds
 * its error mapping and security headers on top; batches set each record's correlation id as they
 * go (shared/views/streamBatch.ts, functions/mailRetry).
 *
 * SDK clients are traced where they are created (shared/platform/tracer.ts), not here.
 */
export type BareHandler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

export interface EdgeOptions<TEvent> {
  /**
   * The correlation id of the command or event handled: the HTTP request id (which the commands
   * record), the scheduled event's id… Without one, the Lambda request id.
   */
  readonly correlationIdOf?: (event: TEvent) => string | undefined;
}

const EDGE = Symbol.for('tp-sessions.edge');

export type EdgeHandler<TEvent, TResult> = MiddyfiedHandler<TEvent, TResult, Error, Context> & { readonly [EDGE]: true };

export const edge = <TEvent, TResult>(handler: BareHandler<TEvent, TResult>, options: EdgeOptions<TEvent> = {}): EdgeHandler<TEvent, TResult> => {
  const wrapped = middy<TEvent, TResult, Error, Context>()
    // Never the event: bodies and records hold personal data.
    .use({
      before: ({ event, context }) => {
        logger.beginInvocation(context, options.correlationIdOf?.(event) || context.awsRequestId);
      },
      after: () => publishMetrics(),
      onError: (request) => {
        // An edge above (HTTP) that turned the error into an answer has logged it already.
        if (request.response === undefined) logger.error('invocation failed', request.error instanceof Error ? request.error : String(request.error));
        publishMetrics();
      },
    })
    .handler(handler);
  return Object.assign(wrapped, { [EDGE]: true as const });
};

/** Whether a module's `handler` export went through {@link edge} (test/platform/edge.unit.test.ts). */
export const isEdgeHandler = (handler: unknown): boolean => typeof handler === 'function' && (handler as { [EDGE]?: unknown })[EDGE] === true;

/** The correlation id of an EventBridge event (schedules, SES feedback): its own id. */
export const eventBridgeCorrelationId = (event: { readonly id?: string }): string | undefined => event.id;
