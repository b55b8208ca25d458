import type { Context, EventBridgeEvent } from 'aws-lambda';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import type { HttpEvent } from '../../shared/http/event.js';
import { addressesToSuppress, DynamoSuppressionList, type SesFeedbackDetail, type SuppressionList } from '../../shared/mail/suppression.js';
import { systemClock } from '../../shared/platform/clock.js';
import { edge, eventBridgeCorrelationId } from '../../shared/platform/edge.js';
import { logger } from '../../shared/platform/observability.js';
import { configOf } from '../../shared/platform/config.js';
import { onFirstUse } from '../../shared/platform/lazy.js';
import { mailFeedback } from './function.js';

const config = configOf(mailFeedback);
const suppression = new DynamoSuppressionList(createDynamoClient({ endpoint: config.endpoints.dynamodb }), config.tables.personalData);

type FeedbackEvent = EventBridgeEvent<'Email Bounced' | 'Email Complaint Received', SesFeedbackDetail>;

/** Marks every address an SES bounce or complaint names (see `addressesToSuppress`). */
export const onFeedback = async (event: FeedbackEvent, list: SuppressionList = suppression): Promise<number> => {
  const marks = addressesToSuppress(event.detail);
  for (const { email, reason } of marks) await list.suppress(email, reason, systemClock.now());
  logger.info('ses feedback', { eventType: event.detail.eventType, marked: marks.length });
  return marks.length;
};

const feedback = edge((event: FeedbackEvent) => onFeedback(event), { correlationIdOf: eventBridgeCorrelationId });

/**
 * The HTTP route (a regional admin lifting a block) loads with its first request, with the sign-in
 * check (jose) and the address check (zod): SES's feedback, the usual event, needs neither.
 */
const http = onFirstUse(async () => {
  const { clearMarkRoute } = await import('./clearMark.js');
  return clearMarkRoute(suppression, config.auth);
});

/** Two triggers, each event through its own edge. */
export const handler = async (event: FeedbackEvent | HttpEvent, context: Context) => ('detail-type' in event ? feedback(event, context) : (await http())(event, context));
