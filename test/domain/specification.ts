import { expect } from 'vitest';
import { domainEventSchema, type Actor, type DomainEvent } from '../../events/index.js';
import { defaultSettings, type DecisionContext, type Decider, type DomainSettings } from '../../shared/domain/decider.js';
import { DomainError } from '../../shared/domain/errors.js';
import type { TitreCatalogue } from '../../shared/domain/titres.js';
import { sampleCatalogue } from '../support/titres.js';

/**
 * Given events / when command / then events or error, for any decider. `then` also checks every
 * event against the catalogue's schema, so a decider can never emit data the store would refuse.
 */

export interface ContextOptions {
  /** The command's instant, e.g. `2027-03-01T09:00:00Z`, or a Paris date (`2027-03-01`, read as 10:00 Paris). */
  readonly at: string;
  readonly actor: Actor;
  readonly settings?: Partial<DomainSettings>;
  readonly titres?: TitreCatalogue;
  readonly seed?: string;
  /** First number of generated ids, to keep them apart from ids in the given events. */
  readonly firstId?: number;
}

/** A deterministic context: ids `<prefix>_t<n>` in order, a fixed seed. */
export const contextOf = (options: ContextOptions): DecisionContext => {
  let counter = (options.firstId ?? 1) - 1;
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(options.at) ? `${options.at}T10:00:00+02:00` : options.at;
  return {
    now: new Date(instant),
    actor: options.actor,
    newId: (prefix) => `${prefix}_t${(counter += 1)}`,
    newSeed: () => options.seed ?? '0123456789abcdef0123456789abcdef',
    settings: { ...defaultSettings, ...options.settings },
    titres: options.titres ?? sampleCatalogue,
  };
};

export const specFor = <C, S, E extends DomainEvent>(decider: Decider<C, S, E>) => ({
  given: (events: readonly E[] = []) => ({
    when: (command: C, context: DecisionContext) => {
      const state = events.reduce(decider.evolve, decider.initialState);
      const run = (): E[] => decider.decide(command, state, context);
      return {
        /** The events decided, each valid against the catalogue. */
        then: (expected: readonly E[]): E[] => {
          const actual = run();
          // Strict: an optional field present as `undefined` would not survive the store's schema.
          expect(actual).toStrictEqual(expected);
          for (const event of actual) expect(domainEventSchema.safeParse(event).error).toBeUndefined();
          return actual;
        },
        /** The events decided, for assertions on part of them. */
        events: (): E[] => {
          const actual = run();
          for (const event of actual) expect(domainEventSchema.safeParse(event).error).toBeUndefined();
          return actual;
        },
        /** The refusal: its rule id, category and (optionally) words of its French message. */
        thenRefused: (code: string, category: DomainError['category'] = 'rule', message?: RegExp): DomainError => {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught, `expected the refusal ${code}`).toBeInstanceOf(DomainError);
          const error = caught as DomainError;
          expect({ code: error.code, category: error.category }).toEqual({ code, category });
          // Every refusal explains itself in a sentence, not a bare code.
          expect(error.message).toMatch(/^[A-ZÀ-Ý].{15,}[.]$/su);
          if (message) expect(error.message).toMatch(message);
          return error;
        },
      };
    },
  }),
});
