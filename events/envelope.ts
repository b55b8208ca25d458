import * as z from 'zod/mini';
import { eventDefinitions, type EventDefinitionUnion, type EventType } from './catalogue.js';
import { actor, eventId, eventScope, instant, streamId } from './primitives.js';

/** The data of one event type, inferred from its schema. */
type EventData<T extends EventType> = z.infer<Extract<EventDefinitionUnion, { type: T }>['data']>;

/** What a decider returns: a type and its data, before the store gives it an identity. */
export type DomainEvent = { [K in EventType]: { type: K; data: EventData<K> } }[EventType];

/** A domain event of one type. */
export type DomainEventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

/**
 * What every stored event carries besides its data: identity, position, schema version, both
 * times, who did it, what it concerns (for tenancy and history) and the ids that tie a chain of
 * reactions together.
 */
export const eventMetadata = z.strictObject({
  id: eventId,
  streamId,
  /** Position of the event in its stream, from 1. */
  version: z.int().check(z.gte(1)),
  schemaVersion: z.int().check(z.gte(1)),
  /** When it happened in the world (the command's time). */
  occurredAt: instant,
  /** When the store recorded it. */
  recordedAt: instant,
  actor,
  scope: eventScope,
  correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
  causationId: z.string().check(z.minLength(1), z.maxLength(128)),
});
type EventMetadata = z.infer<typeof eventMetadata>;

/** A stored event: metadata, type and data. */
export type StoredEvent = DomainEvent & EventMetadata;

type Variant = z.ZodMiniObject<{ type: z.ZodMiniLiteral<EventType>; data: z.ZodMiniType }>;

const domainVariants = eventDefinitions.map((definition) => z.strictObject({ type: z.literal(definition.type), data: definition.data })) as unknown as [Variant, ...Variant[]];

/** Runtime parser of a domain event: the type picks the schema, the data must match it. */
export const domainEventSchema = z.discriminatedUnion('type', domainVariants) as unknown as z.ZodMiniType<DomainEvent>;

const byType = new Map<string, EventDefinitionUnion>(eventDefinitions.map((d) => [d.type, d]));

/** The definition of an event type, or undefined for a name the catalogue does not know. */
export const definitionOf = (type: string): EventDefinitionUnion | undefined => byType.get(type);

/** Whether a string names an event type of the catalogue. */
export const isEventType = (type: string): type is EventType => byType.has(type);
