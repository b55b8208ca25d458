import { describe, expect, it } from 'vitest';
import { catalogueFieldNames, fieldLabels } from '../../shared/history/fieldLabels.js';

describe('the history page labels', () => {
  it('name in French every data field of the event catalogue, nested ones included', () => {
    const fields = catalogueFieldNames();
    // The walk reaches inside lists of objects: a PV's decisions carry their candidate's decision.
    expect(fields).toEqual(expect.arrayContaining(['decision', 'ccpObtained', 'evaluatorIds', 'durationMinutes', 'seed']));
    expect(fields.filter((field) => !fieldLabels[field])).toEqual([]);
  });

  it('keep no label for a field the catalogue no longer has', () => {
    const fields = new Set(catalogueFieldNames());
    expect(Object.keys(fieldLabels).filter((field) => !fields.has(field))).toEqual([]);
  });
});
