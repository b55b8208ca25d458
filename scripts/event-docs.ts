import * as z from 'zod/mini';
import { eventDefinitions, eventMetadata, type EventDefinitionUnion } from '../events/index.js';

const toSchema = (schema: z.ZodMiniType) => z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' });

/** The JSON Schema of one stored event of this type: metadata, type and data. */
const eventJsonSchema = (definition: EventDefinitionUnion) => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `https://tp-sessions.example/events/${definition.type}.v${definition.schemaVersion}.json`,
  title: definition.type,
  description: definition.description,
  'x-label-fr': definition.label,
  'x-stream': definition.stream,
  'x-schema-version': definition.schemaVersion,
  ...toSchema(z.extend(eventMetadata, { type: z.literal(definition.type), data: definition.data })),
});

const channelOf = (stream: EventDefinitionUnion['stream']) => `${stream}Events`;

/** AsyncAPI 3.0: one channel per stream, one message per event type, one send operation per channel. */
const asyncApi = () => {
  const streams = [...new Set(eventDefinitions.map((d) => d.stream))];
  const messages = Object.fromEntries(
    eventDefinitions.map((d) => [
      d.type,
      {
        name: d.type,
        title: d.label,
        summary: d.description,
        contentType: 'application/json',
        payload: { $ref: `./schemas/${d.type}.json` },
      },
    ]),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'tp-sessions events',
      version: '1.0.0',
      description:
        'Domain events of tp-sessions, stored one commit per item in the DynamoDB `events` table and delivered to the reacting functions through its stream, filtered by event type.',
    },
    defaultContentType: 'application/json',
    channels: Object.fromEntries(
      streams.map((stream) => [
        channelOf(stream),
        {
          address: `${stream}-{id}`,
          description: `Events of the \`${stream}\` streams (DynamoDB stream of the events table, one commit per record).`,
          parameters: { id: { description: 'Aggregate id.' } },
          messages: Object.fromEntries(eventDefinitions.filter((d) => d.stream === stream).map((d) => [d.type, { $ref: `#/components/messages/${d.type}` }])),
        },
      ]),
    ),
    operations: Object.fromEntries(
      streams.map((stream) => [
        `record${stream[0]?.toUpperCase()}${stream.slice(1)}Events`,
        {
          action: 'send',
          channel: { $ref: `#/channels/${channelOf(stream)}` },
          summary: `The event store records events of ${stream} streams.`,
        },
      ]),
    ),
    components: { messages },
  };
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Every generated file, path relative to docs/events -> content. */
export const renderEventDocs = (): Map<string, string> => {
  const files = new Map<string, string>();
  for (const definition of eventDefinitions) files.set(`schemas/${definition.type}.json`, json(eventJsonSchema(definition)));
  files.set('asyncapi.json', json(asyncApi()));
  return files;
};
