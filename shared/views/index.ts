/**
 * The read models: what the pages show. Pages import the `ViewsReader` port and the view types from
 * here; the functions build a `DynamoViews` over the views table (`VIEWS_TABLE_NAME`), the projector
 * and the due-date planner its writer half, `DynamoViewWriter` (./viewWriter.ts).
 *
 * Queries (all through keys or indexes, no Scan):
 * - `getSessionView(sessionId)`: status, dates, jury, candidate count, open deadlines, results
 *   (`provisional` until the UD validates the PV, then `official`), quarantined uploads;
 * - `listSessionsOfCentre(centreId, { statuses?, limit?, cursor? })`, newest start first;
 * - `listSessionsOfDepartment(department, { limit?, cursor? })`;
 * - `listSessionsOfRegion(region, { department?, statuses?, limit?, cursor? })`, newest start first;
 * - `listSessionsOfJuror(jurorId, { when: 'upcoming' | 'past', today, limit?, cursor? })`: the
 *   juror's part in each session (convoked or not, unassigned, cancelled), by end date;
 * - `listPvToInstruct(department, { limit?, cursor? })`: PVs transmitted and waiting, oldest first;
 * - `getJurorView(jurorId)`, `listJurors(department, titreCode?)`: habilitations with dates;
 * - `getProgrammeView(centreId, year)`: planned sessions and the submission (on time or late);
 * - `listCentresBehind(department, year)`: centres with no programme, or a late one.
 */
export * from './model.js';
export * from './port.js';
export { DynamoViews } from './dynamoViews.js';
export { jurorSessionsOf, projectAll } from './projection.js';
