import { describe, expect, it } from 'vitest';
import { defaultDirectoryData, loadDirectory, parseDirectory } from '../../shared/directory/directory.js';

const unit = { code: '69', kind: 'ud', label: 'Direction départementale du Rhône', shortLabel: 'DDETS du Rhône', email: 'ddets@rhone.gouv.fr', region: '84' };

describe('the directory of units, checked without a schema library', () => {
  it('accepts the directory compiled in and a well-formed override', () => {
    expect(parseDirectory(defaultDirectoryData)).toBe(defaultDirectoryData);
    expect(loadDirectory({ UNIT_DIRECTORY_JSON: JSON.stringify({ units: [unit] }) })).toBeDefined();
  });

  it('names every faulty path: a bad address, a missing label, a wrong kind, an unknown field, a region not of two digits', () => {
    const bad = {
      units: [
        { ...unit, email: 'pas une adresse' },
        { ...unit, label: undefined, kind: 'dreets', extra: 1, region: '8' },
      ],
    };
    expect(() => parseDirectory(bad)).toThrow(
      "units.0.email: expected an email address; units.1.kind: expected 'ud' or 'region'; units.1.label: expected a label; units.1.region: expected a region code of 2 digits; units.1.extra: unknown field",
    );
    expect(() => parseDirectory({ units: 'x' })).toThrow('units: expected a list of units');
    expect(() => parseDirectory({ units: [], other: true })).toThrow('only units is expected');
  });
});
