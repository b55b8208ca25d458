/**
 * Errors with a name, a stable code, a category and a French message. The category is mapped to an
 * HTTP status (or to a retry decision) only at the edge; nothing else inspects error strings.
 */
export type ErrorCategory =
  | 'validation' // 400: the input is malformed; `fields` says where
  | 'unauthenticated' // 401
  | 'forbidden' // 403: the actor may not act on this scope
  | 'not-found' // 404
  | 'conflict' // 409: concurrent change, retry against the new state
  | 'rule' // 422: a rule of the domain refuses the command
  | 'too-large'; // 413

export interface FieldError {
  /** Path of the field, dotted: `candidates.2.birthDate`. */
  readonly field: string;
  /** French message for the person who typed it. */
  readonly message: string;
}

export class AppError extends Error {
  override readonly name: string = 'AppError';
  constructor(
    /** Stable identifier: `session.creation.too-late`, `input.invalid`, … */
    readonly code: string,
    readonly category: ErrorCategory,
    /** French, for the user. */
    message: string,
    readonly fields: readonly FieldError[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const httpStatusOf = (category: ErrorCategory): number =>
  ({ validation: 400, unauthenticated: 401, forbidden: 403, 'not-found': 404, conflict: 409, rule: 422, 'too-large': 413 })[category];

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
