import type { EventBridgeEvent } from 'aws-lambda';
import { authenticate } from '../../shared/auth/authenticate.js';
import { forbidden } from '../../shared/auth/authorize.js';
import { tokenVerifierOf } from '../../shared/auth/verify.js';
import { createDynamoClient } from '../../shared/aws/dynamo.js';
import { AppError } from '../../shared/errors.js';
import { httpEdge } from '../../shared/http/edge.js';
import { json, type HttpEvent, type HttpResponse } from '../../shared/http/event.js';
import { addressesToSuppress, DynamoSuppressionList, type SesFeedbackDetail, type SuppressionList } from '../../shared/mail/suppression.js';
import { systemClock } from '../../shared/platform/clock.js';
import { edge, eventBridgeCorrelationId } from '../../shared/platform/edge.js';
import { logger } from '../../shared/platform/observability.js';
import { configOf } from '../../shared/platform/config.js';
import { mailFeedback } from './function.js';
import * as z from 'zod/mini';

const config = configOf(mailFeedback);
const suppression = new DynamoSuppressionList(createDynamoClient({ endpoint: config.endpoints.dynamodb }), config.tables.personalData);
const verify = tokenVerifierOf(config.auth);

type FeedbackEvent = EventBridgeEvent<'Email Bounced' | 'Email Complaint Received', SesFeedbackDetail>;

/** Marks every address an SES bounce or complaint names (see `addressesToSuppress`). */
export const onFeedback = async (event: FeedbackEvent, list: SuppressionList = suppression): Promise<number> => {
  const marks = addressesToSuppress(event.detail);
  for (const { email, reason } of marks) await list.suppress(email, reason, systemClock.now());
  logger.info('ses feedback', { eventType: event.detail.eventType, marked: marks.length });
  return marks.length;
};

/** `DELETE /api/adresses-bloquees/{address}`: a regional admin lifts a mark once the address is fixed. */
export const clearMark = async (event: HttpEvent, list: SuppressionList = suppression): Promise<HttpResponse> => {
  const principal = await authenticate(event, verify);
  if (principal.actor.role !== 'region') throw forbidden('Seul l’administrateur régional peut lever le blocage d’une adresse.');
  const address = decodeURIComponent(event.pathParameters?.address ?? '');
  if (!z.email().safeParse(address).success) {
    throw new AppError('input.invalid', 'validation', 'Adresse électronique invalide.', [{ field: 'address', message: 'Adresse électronique invalide.' }]);
  }
  if (!(await list.clear(address))) throw new AppError('suppression.not-found', 'not-found', 'Cette adresse n’est pas bloquée.');
  return json(200, { address, cleared: true });
};

const http = httpEdge((event) => clearMark(event));
const feedback = edge((event: FeedbackEvent) => onFeedback(event), { correlationIdOf: eventBridgeCorrelationId });

/** Two triggers, each event through its own edge. */
export const handler = (event: FeedbackEvent | HttpEvent, context: Parameters<typeof http>[1]) => ('detail-type' in event ? feedback(event, context) : http(event, context));
