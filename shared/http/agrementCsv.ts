import type * as z from 'zod/mini';
import { AppError, type FieldError } from '../errors.js';
import { csvCells, isoDateOf } from './csvLine.js';
import { fieldErrorsOf } from './validation.js';
import { schemas } from './schemas.js';

/**
 * The first import of the agréments the regional direction already keeps, from a CSV file:
 *
 *   centre;nom du centre;courriel;département;titres;lieux;début;fin
 *   ctr_lyon-formation;Lyon Formation;accueil@lyon-formation.example;69;RNCP37674|RNCP37873;Lyon 7e|Villeurbanne;01/01/2026;31/12/2031
 *
 * Separated by `;` (sites contain commas), several titres or sites separated by `|`, dates
 * dd/mm/yyyy or yyyy-mm-dd, cells may be quoted ("…", with "" for a quote), a header line first.
 * Each line is checked as the form's input would be; every bad line is reported with its number.
 */
export const agrementCsvColumns = ['centre', 'nom du centre', 'courriel', 'département', 'titres', 'lieux', 'début', 'fin'] as const;

const fields = ['centreId', 'centreName', 'email', 'department', 'titreCodes', 'sites', 'validFrom', 'validUntil'] as const;

/** A line of the file: what `POST /api/agrements` takes, and where it came from. */
export interface AgrementLine {
  readonly line: number;
  readonly input: z.output<typeof schemas.recordAgrement>;
}

const key = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

const columnLabel = (field: string): string => {
  const index = fields.indexOf(field.split('.')[0] as (typeof fields)[number]);
  return index >= 0 ? `colonne « ${agrementCsvColumns[index]} »` : field;
};

/** The lines of the file, each valid as input, or a 400 listing every bad line (field `csv`). */
export const agrementLinesFromCsv = (content: string): AgrementLine[] => {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const errors: FieldError[] = [];
  const header = csvCells(lines[0] ?? '', ';').map(key);
  if (header.length !== agrementCsvColumns.length || header.some((name, i) => name !== key(agrementCsvColumns[i] ?? ''))) {
    throw new AppError('agrement.import-header', 'validation', 'La première ligne du fichier doit nommer les colonnes.', [
      { field: 'csv', message: `Ligne 1 du fichier : colonnes attendues, dans cet ordre : ${agrementCsvColumns.join(';')}.` },
    ]);
  }
  const parsed: AgrementLine[] = [];
  const seen = new Map<string, number>();
  lines.forEach((text, index) => {
    const line = index + 1;
    if (index === 0 || text.trim() === '') return;
    const cells = csvCells(text, ';');
    if (cells.length !== fields.length) {
      errors.push({ field: 'csv', message: `Ligne ${line} du fichier : ${fields.length} colonnes attendues, ${cells.length} trouvées.` });
      return;
    }
    const raw = Object.fromEntries(fields.map((field, i) => [field, cells[i] ?? '']));
    const list = (value: string) =>
      value
        .split('|')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    const result = schemas.recordAgrement.safeParse({
      ...raw,
      titreCodes: list(raw.titreCodes ?? ''),
      sites: list(raw.sites ?? ''),
      validFrom: isoDateOf(raw.validFrom ?? '') ?? raw.validFrom,
      validUntil: isoDateOf(raw.validUntil ?? '') ?? raw.validUntil,
    });
    if (!result.success) {
      for (const error of fieldErrorsOf(result.error)) errors.push({ field: 'csv', message: `Ligne ${line} du fichier, ${columnLabel(error.field)} : ${error.message}` });
      return;
    }
    const earlier = seen.get(result.data.centreId);
    if (earlier !== undefined) {
      errors.push({ field: 'csv', message: `Ligne ${line} du fichier : le centre ${result.data.centreId} figure déjà ligne ${earlier}.` });
      return;
    }
    seen.set(result.data.centreId, line);
    parsed.push({ line, input: result.data });
  });
  if (parsed.length === 0 && errors.length === 0) errors.push({ field: 'csv', message: 'Le fichier ne contient aucun agrément.' });
  if (parsed.length > 500) errors.push({ field: 'csv', message: '500 agréments au plus par fichier.' });
  if (errors.length > 0) throw new AppError('agrement.import-invalid', 'validation', 'Le fichier contient des lignes à corriger : aucun agrément n’a été enregistré.', errors);
  return parsed;
};
