import type { FieldError } from '../errors.js';
import { csvCells, isoDateOf } from '../http/csvLine.js';

/**
 * Candidates imported from a CSV file: `nom;prénom;date de naissance;courriel`, separated by `;`
 * (French spreadsheets) or `,`, an optional header line, dates dd/mm/yyyy or yyyy-mm-dd. Rows are
 * returned as the form would have sent them, so the same schema validates both; a malformed line
 * is reported against the file field with its line number.
 */
export const candidatesFromCsv = (content: string): { rows: Record<string, string>[]; lines: number[]; errors: FieldError[] } => {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: Record<string, string>[] = [];
  const lineNumbers: number[] = [];
  const errors: FieldError[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const separator = line.includes(';') ? ';' : ',';
    const cells = csvCells(line, separator);
    if (index === 0 && /nom/i.test(cells[0] ?? '')) return;
    const [lastName = '', firstName = '', birthDate = '', email = ''] = cells;
    if (!lastName || !firstName || !birthDate) {
      errors.push({ field: 'candidatesCsv', message: `Ligne ${index + 1} du fichier : nom, prénom et date de naissance sont obligatoires.` });
      return;
    }
    lineNumbers.push(index + 1);
    rows.push({ lastName, firstName, birthDate: isoDateOf(birthDate) ?? birthDate, ...(email ? { email } : {}) });
  });
  if (rows.length > 500) errors.push({ field: 'candidatesCsv', message: '500 candidats au plus par session.' });
  return { rows, lines: lineNumbers, errors };
};
