import { describe, expect, it } from 'vitest';
import { currentSchemaVersions, domainEventSchema, eventDefinitions, eventTypeNames, eventTypes, upcast, type Upcasters } from '../../events/index.js';

describe('event catalogue', () => {
  it('names every event type in past-tense PascalCase, once', () => {
    expect(new Set(eventTypes).size).toBe(eventTypes.length);
    for (const type of eventTypes) {
      expect(type).toMatch(/^(?:[A-Z][a-z]*|PV)+$/);
      expect(type).toMatch(/(ed|Sent|Withdrawn)(?=[A-Z]|$)/);
    }
  });

  it("contains the customer's five event types", () => {
    expect(eventTypes).toEqual(expect.arrayContaining(['SessionPlanned', 'SessionCreated', 'JuryAssigned', 'PVSigned', 'PVValidated']));
  });

  it('gives every event a French label and a schema version', () => {
    for (const definition of eventDefinitions) {
      expect(definition.label.length).toBeGreaterThan(5);
      expect(definition.schemaVersion).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses data that does not match the schema of its type, naming the field', () => {
    const result = domainEventSchema.safeParse({
      type: 'PVValidated',
      data: { validatedOn: '2027-02-30', pvRevision: 1 },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['data', 'validatedOn']);
  });

  it('refuses unknown fields in event data', () => {
    const result = domainEventSchema.safeParse({
      type: 'CandidateRegistered',
      data: { candidateId: 'cand_01JABCDEFGHJKMNPQRSTVWXYZ0', name: 'Dupont' },
    });
    expect(result.success).toBe(false);
  });

  it('gives the schema-free reader (events/versions.ts) exactly the catalogue’s types, in its order, at their current schema version', () => {
    expect(currentSchemaVersions).toEqual(Object.fromEntries(eventDefinitions.map((definition) => [definition.type, definition.schemaVersion])));
    expect(eventTypeNames).toEqual([...eventTypes]);
  });

  it('upcasts old schema versions step by step and fails loudly on a missing step', () => {
    const registry: Upcasters = { PVValidated: { 1: (data) => ({ ...(data as object), upgraded: true }) } };
    // Pretend the catalogue is at version 1 and the stored event is at 0: one step applies.
    const upgraded = upcast({ type: 'PVValidated', schemaVersion: 0, data: { validatedOn: '2027-01-01' } }, { PVValidated: { 0: (d) => ({ ...(d as object), pvRevision: 1 }) } });
    expect(upgraded).toEqual({ type: 'PVValidated', schemaVersion: 1, data: { validatedOn: '2027-01-01', pvRevision: 1 } });
    expect(() => upcast({ type: 'PVValidated', schemaVersion: 0, data: {} }, registry)).toThrow(/No upcaster/);
  });
});
