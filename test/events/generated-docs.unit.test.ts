import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventDefinitions } from '../../events/index.js';
import { renderEventDocs } from '../../scripts/event-docs.js';

const docs = join(import.meta.dirname, '..', '..', 'docs', 'events');

describe('generated event docs (JSON Schema per event, AsyncAPI 3.0)', () => {
  it('are committed exactly as the catalogue generates them today (run `npm run generate` when this fails)', () => {
    for (const [path, content] of renderEventDocs()) {
      expect(readFileSync(join(docs, path), 'utf8'), `docs/events/${path} is stale`).toBe(content);
    }
  });

  it('hold no schema for an event type the catalogue no longer has', () => {
    const committed = readdirSync(join(docs, 'schemas')).sort();
    expect(committed).toEqual(eventDefinitions.map((d) => `${d.type}.json`).sort());
  });

  it('describe every event type as an AsyncAPI message on the channel of its stream', () => {
    const asyncapi = JSON.parse(readFileSync(join(docs, 'asyncapi.json'), 'utf8')) as {
      asyncapi: string;
      channels: Record<string, { messages: Record<string, unknown> }>;
      components: { messages: Record<string, { payload: { $ref: string } }> };
    };
    expect(asyncapi.asyncapi).toBe('3.0.0');
    for (const definition of eventDefinitions) {
      expect(asyncapi.channels[`${definition.stream}Events`]?.messages[definition.type]).toBeDefined();
      const ref = asyncapi.components.messages[definition.type]?.payload.$ref ?? '';
      expect(existsSync(join(docs, ref))).toBe(true);
    }
  });
});
