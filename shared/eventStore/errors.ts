import { AppError } from '../errors.js';

/**
 * The stream moved on since the caller read it: another commit landed at the expected version.
 * The use case re-reads and decides again, or answers 409 with the current version.
 */
export class ConcurrencyError extends AppError {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    /** Number of events in the stream when the conflict was seen. */
    readonly currentVersion: number,
    options?: { cause?: unknown },
  ) {
    super(
      'stream.version-conflict',
      'conflict',
      `Le dossier a été modifié entre-temps (version ${currentVersion}, attendue ${expectedVersion}) : rechargez-le puis recommencez.`,
      [],
      options,
    );
  }
}

export const isConcurrencyError = (error: unknown): error is ConcurrencyError => error instanceof ConcurrencyError;

/** The idempotency key's commit answers another request: the key was reused for other data. */
export const keyReused = () => new AppError('idempotency.key-reused', 'rule', 'Cette clé d’idempotence a déjà servi pour une autre demande.');

export const invalidCursor = (cause?: unknown) =>
  new AppError(
    'history.cursor.invalid',
    'validation',
    'Le curseur de pagination est invalide ou ne correspond pas à cette recherche.',
    [{ field: 'cursor', message: 'Curseur invalide.' }],
    { cause },
  );
