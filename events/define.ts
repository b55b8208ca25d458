import * as z from 'zod/mini';

/**
 * One event type: its past-tense name, the version of its data schema, the schema itself, the
 * stream it belongs to and a French label for timelines. Everything else (types, runtime parsing,
 * CDK stream filters, JSON Schema, AsyncAPI) is derived from this one definition.
 */
export interface EventDefinition<TType extends string, TData extends z.ZodMiniType> {
  readonly type: TType;
  readonly schemaVersion: number;
  readonly data: TData;
  /** The aggregate whose stream holds the event. */
  readonly stream: 'programme' | 'juror' | 'titre' | 'agrement' | 'session';
  /** French label shown in timelines and mails. */
  readonly label: string;
  /** Why the event exists, in the domain's words (English, for the generated docs). */
  readonly description: string;
}

export const defineEvent = <TType extends string, TData extends z.ZodMiniType>(definition: EventDefinition<TType, TData>): EventDefinition<TType, TData> => definition;
