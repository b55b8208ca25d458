import { definitionOf } from '../../events/index.js';
import type { HistoryCloudEvent } from './cloudEvents.js';

/**
 * Export formats of the history, written one page at a time: the HTTP endpoint answers a page, the
 * CLI appends it to its output and asks for the next. Nothing holds the whole export.
 */
export type ExportFormat = 'csv' | 'ndjson';
export type CsvSeparator = ';' | ',';

/** UTF-8 byte order mark: lets a French spreadsheet read accents without an import wizard. */
export const UTF8_BOM = '\uFEFF';

export const CSV_COLUMNS = [
  'id',
  'horodatage',
  'enregistre_le',
  'type',
  'libelle',
  'flux',
  'version',
  'role_acteur',
  'acteur',
  'centre',
  'departement',
  'region',
  'correlation',
  'causation',
  'donnees',
] as const;

/** Characters a spreadsheet reads as the start of a formula (OWASP "CSV injection"), plus tab and CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell, RFC 4180: quoted when it holds the separator, a quote, CR or LF, quotes doubled.
 * A cell that a spreadsheet would run as a formula is prefixed with a quote first.
 */
export const csvCell = (value: string | number | undefined, separator: CsvSeparator): string => {
  let text = value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const csvLine = (cells: readonly (string | number | undefined)[], separator: CsvSeparator): string => `${cells.map((cell) => csvCell(cell, separator)).join(separator)}\r\n`;

/** The header line, preceded by the BOM: written once, before the first page. */
export const csvHeader = (separator: CsvSeparator): string => UTF8_BOM + csvLine(CSV_COLUMNS, separator);

/** The lines of one page of events (CRLF line ends, as RFC 4180 says). */
export const csvRows = (events: readonly HistoryCloudEvent[], separator: CsvSeparator): string =>
  events
    .map((event) =>
      csvLine(
        [
          event.id,
          event.time,
          event.recordedat,
          event.type,
          definitionOf(event.type)?.label ?? event.type,
          event.subject,
          event.streamversion,
          event.actorrole,
          event.actorid,
          event.centreid,
          event.department,
          event.region,
          event.correlationid,
          event.causationid,
          JSON.stringify(event.data),
        ],
        separator,
      ),
    )
    .join('');

/** One CloudEvent per line, newline-terminated (https://github.com/ndjson/ndjson-spec). */
export const ndjsonRows = (events: readonly HistoryCloudEvent[]): string => events.map((event) => `${JSON.stringify(event)}\n`).join('');

/** Response header carrying the next page's cursor of an export (absent on the last page). */
export const NEXT_CURSOR_HEADER = 'x-next-cursor';
/** Response header carrying the number of events in the page (the CLI counts its progress with it). */
export const PAGE_EVENTS_HEADER = 'x-page-events';

export const exportContentType = (format: ExportFormat): string => (format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');

/**
 * One page of an export: CSV pages after the first carry no BOM nor header, so that concatenating
 * the pages in order gives one valid file.
 */
export const exportPage = (events: readonly HistoryCloudEvent[], options: { format: ExportFormat; separator: CsvSeparator; first: boolean }): string => {
  if (options.format === 'ndjson') return ndjsonRows(events);
  return (options.first ? csvHeader(options.separator) : '') + csvRows(events, options.separator);
};
