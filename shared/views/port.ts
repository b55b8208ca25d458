import type { AgrementView, CentreBehind, TitreView, JurorSessionView, JurorView, Page, ProgrammeView, SessionStatus, SessionView } from './model.js';

export interface ListOptions {
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface RegionListOptions extends ListOptions {
  /** Only this department's sessions (the caller checks it belongs to the region). */
  readonly department?: string;
  /** Only sessions in one of these statuses; pages stay full (the reader reads on until `limit`). */
  readonly statuses?: readonly SessionStatus[];
}

export interface JurorListOptions extends ListOptions {
  /**
   * `upcoming`: sessions not over on `today` (ending today or later), soonest first; `past`: those
   * that ended before `today`, most recent first.
   */
  readonly when: 'upcoming' | 'past';
  /** Today in Paris (`YYYY-MM-DD`): the reader has no clock. */
  readonly today: string;
}

/**
 * The read port the pages use. Every query reads through a key or an index (no Scan), so it stays
 * cheap whatever the size of the country. Views are eventually consistent with the events: a page
 * shown right after a command may lag by the stream's delay.
 */
export interface ViewsReader {
  /** One session, or undefined when it does not exist (or its first event is not projected yet). */
  getSessionView(sessionId: string): Promise<SessionView | undefined>;
  /** A centre's sessions, by start date (newest first), optionally only some statuses. */
  listSessionsOfCentre(centreId: string, options?: ListOptions & { readonly statuses?: readonly SessionStatus[] }): Promise<Page<SessionView>>;
  /** Sessions of a department (the UD's view), by start date, newest first; with `startsBefore`, only those starting before that day. */
  listSessionsOfDepartment(department: string, options?: ListOptions & { readonly startsBefore?: string }): Promise<Page<SessionView>>;
  /** Sessions of a region (the regional admin's list), newest start first; by department and status if asked. */
  listSessionsOfRegion(region: string, options?: RegionListOptions): Promise<Page<SessionView>>;
  /** A juror's sessions, assigned or since unassigned, upcoming or past: the juror's « Mes convocations ». */
  listSessionsOfJuror(jurorId: string, options: JurorListOptions): Promise<Page<JurorSessionView>>;
  /** What the UD has to instruct: sessions whose PV was transmitted and not yet validated or rejected, oldest first. */
  listPvToInstruct(department: string, options?: ListOptions): Promise<Page<SessionView>>;
  /** A juror with every habilitation (withdrawn ones included, flagged). */
  getJurorView(jurorId: string): Promise<JurorView | undefined>;
  /** Jurors of a department; with a titre, only those holding a habilitation for it (withdrawn or not: check dates). */
  listJurors(department: string, titreCode?: string): Promise<readonly JurorView[]>;
  /** A centre's programme for a year, or undefined when nothing was planned. */
  getProgrammeView(centreId: string, year: number): Promise<ProgrammeView | undefined>;
  /** A centre's agrément (withdrawn or not), or undefined when none was recorded. */
  getAgrementView(centreId: string): Promise<AgrementView | undefined>;
  /** The agréments of a region, by department then centre; only one department's if asked. */
  listAgrements(region: string, department?: string): Promise<readonly AgrementView[]>;
  /** Every titre professionnel recorded, by RNCP code. */
  listTitres(): Promise<readonly TitreView[]>;
  /** Centres known in the department that have no programme for the year or sent it late. */
  listCentresBehind(department: string, year: number): Promise<readonly CentreBehind[]>;
}
