import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Clock } from '../platform/clock.js';
import { count, METRIC } from '../platform/observability.js';
import { buildRawMime } from './mime.js';
import type { OutgoingMail } from './model.js';
import type { DynamoOutbox } from './outbox.js';
import type { SuppressionList } from './suppression.js';

/** Sends one mail through SES v2: simple content, or raw MIME when it has attachments (.ics). */
export class SesMailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: { readonly name: string; readonly email: string },
    private readonly configurationSet?: string,
  ) {}

  async send(mail: OutgoingMail): Promise<string> {
    const common = {
      FromEmailAddress: `${this.from.name} <${this.from.email}>`,
      Destination: { ToAddresses: [mail.to.email] },
      EmailTags: [{ Name: 'kind', Value: mail.kind }],
      ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
    };
    const content =
      mail.attachments.length > 0
        ? { Raw: { Data: Buffer.from(buildRawMime(mail, this.from), 'utf8') } }
        : {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
              Headers: [{ Name: 'X-TP-Mail-Id', Value: mail.id }],
            },
          };
    const result = await this.client.send(new SendEmailCommand({ ...common, Content: content }));
    return result.MessageId ?? 'unknown';
  }
}

/**
 * Where a mail goes when SES keeps refusing it: somewhere it can be sent again from. The SQS one is
 * in ./sqsDeadLetter.ts, apart, so that a function that never enqueues carries no SQS client.
 */
export interface DeadLetter {
  put(mail: OutgoingMail, reason: string): Promise<void>;
}

/**
 * The outbox's `dead` status (with the whole mail) is the dead letter: offline without a queue, and
 * for the retry function and the replay command, where a mail failing again stays where it is.
 */
export const outboxOnlyDeadLetter: DeadLetter = { put: () => Promise.resolve() };

/** Whether an SES failure is worth retrying: throttling, quotas, 5xx and network errors. */
export const isRetryable = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata, $retryable } = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if ($retryable) return true;
  if (name === 'TooManyRequestsException' || name === 'ThrottlingException' || name === 'LimitExceededException' || name === 'SendingPausedException') return true;
  const status = $metadata?.httpStatusCode;
  if (status === undefined) return !name?.endsWith('Exception') || name === 'TimeoutError';
  return status >= 500 || status === 429;
};

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

const defaultMailRetry: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

export type DeliveryOutcome = 'sent' | 'already-sent' | 'dead-lettered' | 'already-dead';

/** The claim is held by another sender right now: retry the record later (the batch reports it). */
export class MailInFlightError extends Error {
  override readonly name = 'MailInFlightError';
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Delivers a mail exactly once as far as the outbox can tell: claim it, send it with retries and
 * backoff (full jitter), mark it sent; after the last retry, or on a refusal SES will repeat
 * (a bad address), dead-letter it. Nothing is lost: a failure leaves it in the outbox and the
 * dead-letter queue with everything needed to send it again.
 */
export class MailDelivery {
  constructor(
    private readonly outbox: DynamoOutbox,
    private readonly mailer: Pick<SesMailer, 'send'>,
    private readonly deadLetter: DeadLetter,
    private readonly clock: Clock,
    private readonly retry: RetryPolicy = defaultMailRetry,
    private readonly sleep: (ms: number) => Promise<void> = sleepFor,
    private readonly random: () => number = Math.random,
    /** Addresses SES reported as bouncing or complaining: their mails are parked, never sent. */
    private readonly suppression?: Pick<SuppressionList, 'isSuppressed'>,
  ) {}

  /**
   * Parks a mail that cannot be sent at all (no address known for its recipient): recorded dead,
   * with the reason, so an operator sees it and nothing is silently dropped. It is not put on the
   * retry queue: without an address every retry would fail the same way. What is stored is a
   * placeholder (no address, no content): `deliver` never sends it, so `npm run replay-dlq` leaves it
   * parked and counts it still dead; the mail must be drafted again from its cause.
   */
  async park(mail: OutgoingMail, reason: string): Promise<DeliveryOutcome> {
    const claim = await this.outbox.claim(mail, this.clock.now());
    if (claim.outcome === 'already-sent') return 'already-sent';
    if (claim.outcome === 'dead') return 'already-dead';
    if (claim.outcome === 'in-flight') throw new MailInFlightError(`Mail ${mail.id} is being parked or sent by another delivery`);
    return this.markDead(mail, claim.attempts, reason);
  }

  async deliver(mail: OutgoingMail, options: { readonly revive?: boolean } = {}): Promise<DeliveryOutcome> {
    // A parked mail holds no address nor content (see `park`): sending it, from the replay or the
    // sweep, would send an empty mail to nobody and clear its dead record. It stays parked.
    if (mail.to.email.trim() === '') return this.park(mail, `no address known for ${mail.to.key}: the mail must be drafted again from its cause`);
    const claim = await this.outbox.claim(mail, this.clock.now(), options);
    if (claim.outcome === 'already-sent') return 'already-sent';
    if (claim.outcome === 'dead') return 'already-dead';
    if (claim.outcome === 'in-flight') throw new MailInFlightError(`Mail ${mail.id} is being sent by another delivery`);
    if (await this.suppression?.isSuppressed(mail.to.email)) {
      return this.markDead(mail, claim.attempts, `address suppressed after an SES bounce or complaint (${mail.to.key})`);
    }
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt += 1) {
      let messageId: string;
      try {
        messageId = await this.mailer.send(mail);
      } catch (error) {
        lastError = error;
        if (!isRetryable(error) || attempt === this.retry.attempts) break;
        await this.backOff(attempt);
        continue;
      }
      // SES accepted it: whatever happens now, it is never sent again nor dead-lettered from here.
      await this.recordSent(mail.id, messageId);
      count(METRIC.mailSent);
      return 'sent';
    }
    const reason = lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError);
    // Dead-letter queue first: if it fails, the mail stays claimed, the record fails and is retried.
    await this.deadLetter.put(mail, reason);
    return this.markDead(mail, claim.attempts, reason);
  }

  /**
   * Dead-letters the mail under the claim numbered `attempts`. When that claim was taken over (this
   * sender outlived its lease), the mail is left to its new holder: sent already, or dead, or still
   * in flight, in which case the record is retried later.
   */
  private async markDead(mail: OutgoingMail, attempts: number, reason: string): Promise<DeliveryOutcome> {
    if (!(await this.outbox.markDead(mail.id, attempts, reason, this.clock.now()))) {
      const entry = await this.outbox.get(mail.id);
      if (entry?.status === 'sent') return 'already-sent';
      if (entry?.status === 'dead') return 'already-dead';
      throw new MailInFlightError(`Mail ${mail.id} was taken over by another delivery`);
    }
    count(METRIC.mailFailed);
    return 'dead-lettered';
  }

  private backOff(attempt: number): Promise<void> {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return this.sleep(Math.round(this.random() * ceiling));
  }

  /**
   * Records a mail SES accepted, trying again on any failure (a throttled table, a 5xx): a failure
   * here must not read as the send's, which would send it again or dead-letter a mail already out.
   * If every attempt fails, the error goes up with the claim still held: the record is retried and
   * the lease decides, the one window in which the outbox sends at least once rather than once.
   */
  private async recordSent(mailId: string, messageId: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.outbox.markSent(mailId, messageId, this.clock.now());
        return;
      } catch (error) {
        if (attempt >= this.retry.attempts) throw error;
        await this.backOff(attempt);
      }
    }
  }
}
