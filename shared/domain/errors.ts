import { AppError, type ErrorCategory, type FieldError } from '../errors.js';

/**
 * A refusal by a rule of the domain. `code` is a stable rule id (`jury.tie-with-candidate`) that
 * tests, logs and the web pages rely on; the message is French, for a session manager, and names
 * the candidate, the juror or the field concerned. Ids in messages are the pseudonymous ids the
 * domain knows: the edge may replace them with names from the personal-data store, using
 * `subject`.
 */
export class DomainError extends AppError {
  override readonly name: string = 'DomainError';
  constructor(
    code: string,
    message: string,
    category: Exclude<ErrorCategory, 'validation' | 'unauthenticated' | 'too-large'> = 'rule',
    /** The ids the refusal is about, for the edge to enrich the message with names. */
    readonly subject: DomainErrorSubject = {},
    fields: readonly FieldError[] = [],
  ) {
    super(code, category, message, fields);
  }
}

export interface DomainErrorSubject {
  readonly candidateIds?: readonly string[];
  readonly jurorIds?: readonly string[];
  readonly field?: string;
}

/** A broken rule (422). */
export const ruleBroken = (code: string, message: string, subject: DomainErrorSubject = {}): DomainError =>
  new DomainError(code, message, 'rule', subject, subject.field ? [{ field: subject.field, message }] : []);

/** An actor acting outside their scope (403): a centre on another's session, a UD outside its department. */
export const forbidden = (code: string, message: string): DomainError => new DomainError(code, message, 'forbidden');

/** Something the command names does not exist (404). */
export const notFound = (code: string, message: string, subject: DomainErrorSubject = {}): DomainError => new DomainError(code, message, 'not-found', subject);

/** The command repeats or contradicts what already happened (409). */
export const conflict = (code: string, message: string): DomainError => new DomainError(code, message, 'conflict');

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
