import type { DynamoDBStreamEvent } from 'aws-lambda';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { notifierOf } from '../../shared/mail/notifierWiring.js';
import { configOf } from '../../shared/platform/config.js';
import { notifier as declaration } from './function.js';
import { processCommitBatch } from '../../shared/views/streamBatch.js';
import { edge } from '../../shared/platform/edge.js';

const notifier = notifierOf(configOf(declaration));

/** Mails of each commit; the outbox makes a redelivered record send nothing twice. */
export const handler = edge((event: DynamoDBStreamEvent) => processCommitBatch(event, eventsFromStreamRecord, (events) => notifier.onCommit(events)));
