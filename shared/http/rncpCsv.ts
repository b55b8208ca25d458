import { AppError, type FieldError } from '../errors.js';
import type { Titre } from '../domain/titres.js';
import { csvCells, isoDateOf } from './csvLine.js';

/**
 * The titres professionnels of France Compétences' RNCP open-data export (data.gouv.fr, « Répertoire
 * national des certifications professionnelles et répertoire spécifique »), from two of its CSV
 * files: the fiches (`export_fiches_CSV_Standard_…`, columns Id_Fiche, Numero_Fiche, Intitule,
 * Abrege_Libelle, …, Date_Fin_Enregistrement, Date_Effet, …, Actif) and their blocks of skills
 * (`export_fiches_CSV_Blocs_De_Competences_…`: Numero_Fiche, Bloc_Competences_Code,
 * Bloc_Competences_Libelle). Only the fiches whose Abrege_Libelle is `TP` (titre professionnel)
 * are kept; a fiche's Date_Effet is the date of the arrêté that created or last revised the titre.
 * Columns are found by name in the header line, separated by `;` (or `,`), cells may be quoted;
 * dates dd/mm/yyyy or yyyy-mm-dd. Every bad line is reported with its file and number.
 */

const STANDARD = ['Numero_Fiche', 'Intitule', 'Abrege_Libelle', 'Date_Fin_Enregistrement', 'Date_Effet'] as const;
const BLOCS = ['Numero_Fiche', 'Bloc_Competences_Code', 'Bloc_Competences_Libelle'] as const;

interface Table {
  readonly rows: { readonly line: number; readonly get: (column: string) => string }[];
}

/** A file's rows by column name, or an error naming the missing columns. */
const tableOf = (content: string, field: string, file: string, columns: readonly string[], errors: FieldError[]): Table => {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  const separator = headerLine.includes(';') ? ';' : ',';
  const header = csvCells(headerLine, separator);
  const missing = columns.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    errors.push({ field, message: `${file}, ligne 1 : colonnes manquantes : ${missing.join(', ')}.` });
    return { rows: [] };
  }
  const rows = lines.flatMap((text, index) => {
    if (index === 0 || text.trim() === '') return [];
    const cells = csvCells(text, separator);
    return [{ line: index + 1, get: (column: string) => cells[header.indexOf(column)] ?? '' }];
  });
  return { rows };
};

/** The titres professionnels of the export, each with its blocks in code order; a 400 listing every bad line otherwise. */
export const titresFromRncpExport = (files: { readonly fiches: string; readonly blocs: string }): Titre[] => {
  const errors: FieldError[] = [];
  const fiches = tableOf(files.fiches, 'fiches', 'Fichier des fiches', STANDARD, errors);
  const blocs = tableOf(files.blocs, 'blocs', 'Fichier des blocs de compétences', BLOCS, errors);
  const titres = new Map<string, Titre & { line: number }>();
  for (const row of fiches.rows) {
    if (row.get('Abrege_Libelle').toUpperCase() !== 'TP') continue;
    const code = row.get('Numero_Fiche');
    const where = `Fichier des fiches, ligne ${row.line}`;
    const validUntil = isoDateOf(row.get('Date_Fin_Enregistrement'));
    const revisedOn = row.get('Date_Effet') === '' ? undefined : isoDateOf(row.get('Date_Effet'));
    if (!/^RNCP\d{3,6}$/.test(code)) errors.push({ field: 'fiches', message: `${where} : numéro de fiche RNCP invalide (${code || 'vide'}).` });
    else if (row.get('Intitule') === '') errors.push({ field: 'fiches', message: `${where} : l’intitulé du titre ${code} est vide.` });
    else if (!validUntil) errors.push({ field: 'fiches', message: `${where} : date de fin d’enregistrement du titre ${code} invalide (jj/mm/aaaa attendu).` });
    else if (row.get('Date_Effet') !== '' && !revisedOn) errors.push({ field: 'fiches', message: `${where} : date d’effet du titre ${code} invalide (jj/mm/aaaa attendu).` });
    else if (titres.has(code)) errors.push({ field: 'fiches', message: `${where} : le titre ${code} figure déjà ligne ${titres.get(code)?.line ?? '?'}.` });
    else titres.set(code, { line: row.line, code, label: row.get('Intitule'), ccps: [], validUntil, ...(revisedOn ? { revisedOn } : {}) });
  }
  const ccps = new Map<string, { code: string; label: string }[]>();
  for (const row of blocs.rows) {
    const code = row.get('Numero_Fiche');
    if (!titres.has(code)) continue;
    const bloc = row.get('Bloc_Competences_Code');
    if (!/^[A-Z0-9-]{2,40}$/.test(bloc) || row.get('Bloc_Competences_Libelle') === '') {
      errors.push({ field: 'blocs', message: `Fichier des blocs de compétences, ligne ${row.line} : bloc du titre ${code} invalide (code ${bloc || 'vide'}).` });
      continue;
    }
    ccps.set(code, [...(ccps.get(code) ?? []), { code: bloc, label: row.get('Bloc_Competences_Libelle') }]);
  }
  if (errors.length === 0 && titres.size === 0) errors.push({ field: 'fiches', message: 'Le fichier des fiches ne contient aucun titre professionnel (Abrege_Libelle « TP »).' });
  if (errors.length > 0) throw new AppError('titre.import-invalid', 'validation', 'Les fichiers contiennent des lignes à corriger : aucun titre n’a été enregistré.', errors);
  return [...titres.values()].map(({ line: _line, ...titre }) => ({ ...titre, ccps: [...(ccps.get(titre.code) ?? [])].sort((a, b) => a.code.localeCompare(b.code)) }));
};
