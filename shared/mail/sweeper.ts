import type { Clock } from '../platform/clock.js';
import type { OutgoingMail } from './model.js';
import type { OutboxCursor, StaleClaimsPage } from './outbox.js';
import type { DeliveryOutcome } from './sender.js';

/**
 * The sweep of mails left `sending`: a sender that died between its claim and SES (crash, timeout)
 * leaves the outbox item claimed; its event is only redelivered while the stream still retries it,
 * and may end in the stream's dead-letter queue instead. The sweep lists the claims older than the
 * outbox's lease and hands each mail to the same delivery as the first time, so the outbox claim
 * decides: a stale claim is taken over and sent, a fresh one (taken again meanwhile) is left to its
 * sender, a sent one is never sent again.
 */
export interface StaleClaims {
  listStaleClaims(now: Date, options: { readonly limit?: number; readonly cursor?: OutboxCursor }): Promise<StaleClaimsPage>;
}

export interface Redelivery {
  deliver(mail: OutgoingMail): Promise<DeliveryOutcome>;
}

export interface SweepOptions {
  /** Index items read per query (before the filter on the claim time). */
  readonly pageSize: number;
  /** Mails handed to the delivery per run at most: a run stays within its timeout; the rest waits for the next one. */
  readonly maxItems: number;
  /** Asked before each mail: true stops the run early (e.g. the Lambda is near its timeout). */
  readonly shouldStop?: () => boolean;
}

/** Sized for a 5-minute function: a mail whose SES keeps failing costs about 5 attempts with backoff. */
export const defaultSweepOptions: SweepOptions = { pageSize: 100, maxItems: 100 };

/** Counts only: mails and addresses are personal data and stay out of the logs. */
export interface SweepReport {
  /** Stale claims found and handed to the delivery. */
  readonly found: number;
  readonly sent: number;
  readonly alreadySent: number;
  /** SES refused it again: now dead (and on the retry queue in AWS). */
  readonly deadLettered: number;
  readonly alreadyDead: number;
  /** Claimed again by another sender since the listing: left to it. */
  readonly inFlight: number;
  /** The delivery threw (DynamoDB or the retry queue failing): the claim stays, the next run retries it. */
  readonly failures: number;
  /** The names of those errors (e.g. `ProvisionedThroughputExceededException`), each once: no message, which could name a mail. */
  readonly errors: readonly string[];
  /** Stopped at `maxItems` or by `shouldStop` with claims possibly left: the next run goes on. */
  readonly truncated: boolean;
}

export const sweepStaleMails = async (outbox: StaleClaims, delivery: Redelivery, clock: Clock, options: SweepOptions = defaultSweepOptions): Promise<SweepReport> => {
  // One instant for the whole run: a claim taken during the run is never stale by its own clock.
  const now = clock.now();
  const counts = { found: 0, sent: 0, alreadySent: 0, deadLettered: 0, alreadyDead: 0, inFlight: 0, failures: 0 };
  const outcomes: Record<DeliveryOutcome, keyof typeof counts> = { sent: 'sent', 'already-sent': 'alreadySent', 'dead-lettered': 'deadLettered', 'already-dead': 'alreadyDead' };
  const seen = new Set<string>();
  const errors = new Set<string>();
  let cursor: OutboxCursor | undefined;
  let truncated = false;
  pages: do {
    const page = await outbox.listStaleClaims(now, { limit: options.pageSize, ...(cursor ? { cursor } : {}) });
    for (const entry of page.entries) {
      if (seen.has(entry.mail.id)) continue;
      if (counts.found >= options.maxItems || options.shouldStop?.()) {
        truncated = true;
        break pages;
      }
      seen.add(entry.mail.id);
      counts.found += 1;
      try {
        counts[outcomes[await delivery.deliver(entry.mail)]] += 1;
      } catch (error) {
        if (error instanceof Error && error.name === 'MailInFlightError') counts.inFlight += 1;
        else {
          counts.failures += 1;
          errors.add(error instanceof Error ? error.name : typeof error);
        }
      }
    }
    cursor = page.next;
  } while (cursor);
  return { ...counts, errors: [...errors], truncated };
};
