/** The parsers of the CSV imports, in one chunk loaded by the first import (shared/http/operations.ts). */
export { agrementLinesFromCsv } from './agrementCsv.js';
export { titresFromRncpExport } from './rncpCsv.js';
