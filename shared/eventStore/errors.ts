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

/** A first call with the same idempotency key is still being recorded. */
export const idempotencyInProgress = () =>
  new AppError(
    'idempotency.in-progress',
    'conflict',
    'Une demande identique est en cours de traitement : réessayez dans quelques secondes.',
  );

export const invalidCursor = (cause?: unknown) =>
  new AppError('history.cursor.invalid', 'validation', 'Le curseur de pagination est invalide ou ne correspond pas à cette recherche.', [
    { field: 'cursor', message: 'Curseur invalide.' },
  ], { cause });

/** The tables a store may be given (shared/platform/tables.ts names them). */
export type StoreTable = 'events' | 'history' | 'idempotency';

/**
 * A store was built without a table that one of its methods needs: a wiring bug (the function is
 * not granted that table), never a user's doing, so not an {@link AppError} and a 500 at the edge.
 * Raised before any call to DynamoDB, rather than the SDK's obscure refusal of a missing name.
 */
export class TableNotGrantedError extends Error {
  override readonly name = 'TableNotGrantedError';
  constructor(readonly table: StoreTable) {
    super(`Cette fonction n'a pas accès à la table ${table} (event store built without the '${table}' table)`);
  }
}
