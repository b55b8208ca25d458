import * as z from 'zod/mini';
import { isValidDate } from './checks.js';
import { actor, compiledAs, eventScope } from './primitives.js';

/**
 * What every append carries besides its events (shared/eventStore/port.ts `AppendOptions`): the
 * event store checks it with the validator compiled from this schema (events/compile.ts).
 */
export const appendOptionsSchema = z.object({
  idempotencyKey: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  requestHash: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  actor,
  scope: eventScope,
  correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
  causationId: z.string().check(z.minLength(1), z.maxLength(128)),
  occurredAt: z.date().check(
    compiledAs(
      z.refine((d: Date) => isValidDate(d), { message: 'Date invalide.' }),
      { predicate: 'isValidDate', args: [] },
    ),
  ),
});
