import { SESv2Client } from '@aws-sdk/client-sesv2';
import { traced } from '../platform/tracer.js';
import { commonClientConfig, type ClientOptions } from './options.js';

/**
 * A send that hangs must fail well inside the outbox's lease (5 minutes, shared/mail/outbox.ts):
 * otherwise another sender takes the mail over and sends it while the first still waits. SES answers
 * in well under a second; 20 s per attempt leaves the delivery's retries room within any lease.
 */
const SES_REQUEST_TIMEOUT_MS = 20_000;

export const createSesClient = (options: ClientOptions = {}) => traced(new SESv2Client(commonClientConfig({ requestTimeoutMs: SES_REQUEST_TIMEOUT_MS, ...options })));
