import { describe, expect, it } from 'vitest';
import { csvCells, isoDateOf } from '../../shared/http/csvLine.js';
import { candidatesFromCsv } from '../../shared/web/csv.js';

describe('a CSV line as the imports read it', () => {
  it('splits on the separator, keeps a quoted separator and a doubled quote, trims cells', () => {
    expect(csvCells(' a ;"Annecy; site du lac";"dit ""le lac""";', ';')).toEqual(['a', 'Annecy; site du lac', 'dit "le lac"', '']);
    expect(csvCells('Martin,"Léa, Marie",12/03/1990', ',')).toEqual(['Martin', 'Léa, Marie', '12/03/1990']);
  });

  it('reads French and ISO dates, and nothing else', () => {
    expect(isoDateOf('31/12/2030')).toBe('2030-12-31');
    expect(isoDateOf('2030-12-31')).toBe('2030-12-31');
    expect(isoDateOf('31/12/30')).toBeUndefined();
  });

  it('a candidate whose first name holds a comma survives the candidates’ import when quoted', () => {
    expect(candidatesFromCsv('nom,prénom,date de naissance\nMartin,"Léa, Marie",12/03/1990\n').rows).toEqual([
      { lastName: 'Martin', firstName: 'Léa, Marie', birthDate: '1990-03-12' },
    ]);
  });
});
