import type { Actor, DomainEvent } from '../../events/index.js';
import type { TitreCatalogue } from './titres.js';

/**
 * The shape of every aggregate: `decide(command, state, context) -> events` and
 * `evolve(state, event) -> state`. Pure: the clock, the actor, the id generator and the settings
 * come in through the context, so a test gives them and a handler supplies the real ones.
 */
export interface Decider<TCommand, TState, TEvent extends DomainEvent = DomainEvent> extends Fold<TState, TEvent> {
  /** Refuses with a DomainError (shared/domain/errors.ts), or returns the events to record. */
  decide(command: TCommand, state: TState, context: DecisionContext): TEvent[];
}

/**
 * The half of a decider that reads: the state a stream's events fold into. The views, the due-date
 * planner and the notifier only fold, and import the aggregate's fold (`sessionFold`…) rather than
 * its decider, so the commands' rules stay out of their bundles (issue 16).
 */
export interface Fold<TState, TEvent extends DomainEvent = DomainEvent> {
  readonly initialState: TState;
  evolve(state: TState, event: TEvent): TState;
}

export interface DecisionContext {
  /** The command's time. Calendar rules convert it to a Europe/Paris date. */
  readonly now: Date;
  readonly actor: Actor;
  /** New pseudonymous ids: `newId('cand')` -> `cand_01J…`. */
  readonly newId: (prefix: string) => string;
  /** Randomness for draws by lot: a fresh 128-bit seed as 32 hex characters. */
  readonly newSeed: () => string;
  readonly settings: DomainSettings;
  /** Reference data: the titres professionnels by RNCP code, as the regional direction recorded them. */
  readonly titres: TitreCatalogue;
}

/** Delays the texts do not fix, kept as settings (DOMAIN.md). */
export interface DomainSettings {
  /** Jurors convoked at least this many days before the start (15 by the rules on leave). */
  readonly jurorConvocationDays: number;
  /** Candidates convoked at least this many days before the start (no text fixes it). */
  readonly candidateConvocationDays: number;
  /** PV to send to the UD within this many days after the session's end. */
  readonly pvTransmissionDays: number;
  /** UD to validate the PV within this many days after it was sent. */
  readonly pvValidationDays: number;
  /** Days before a due date when the reminder goes out. */
  readonly reminderLeadDays: number;
  /** Professionalisation older than this (in years) must be redone after a titre's revision. */
  readonly professionalisationValidityYears: number;
}

export const defaultSettings: DomainSettings = {
  jurorConvocationDays: 15,
  candidateConvocationDays: 15,
  pvTransmissionDays: 8,
  pvValidationDays: 30,
  reminderLeadDays: 7,
  professionalisationValidityYears: 2,
};
