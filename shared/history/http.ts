import { authenticate } from '../auth/authenticate.js';
import { sessionNotFound } from '../auth/authorize.js';
import type { TokenVerifier } from '../auth/verify.js';
import { AppError } from '../errors.js';
import { htmlResponse, json, type HttpEvent } from '../http/event.js';
import { createRouter, type Route } from '../http/router.js';
import { sessionId as sessionIdSchema } from '../../events/index.js';
import { exportContentType, exportPage, NEXT_CURSOR_HEADER, PAGE_EVENTS_HEADER, type CsvSeparator, type ExportFormat } from './export.js';
import { parseHistoryRequest } from './query.js';
import type { HistoryService } from './service.js';
import { pvUnavailablePage, timelinePage } from './timelinePage.js';

export interface HistoryHttpOptions {
  readonly service: HistoryService;
  readonly verify: TokenVerifier;
}

export const HISTORY_PATHS = {
  api: '/api/history',
  export: '/api/history/export',
  timeline: '/sessions/{sessionId}/historique',
  /** A PV file of the timeline (the `revision` of its `PVDocumentStored`), signed at the click. */
  pv: '/sessions/{sessionId}/historique/pv/{revision}',
} as const;

const queryOf = (event: HttpEvent): Record<string, string | undefined> => ({ ...event.queryStringParameters });

const exportOptions = (query: Record<string, string | undefined>): { format: ExportFormat; separator: CsvSeparator } => {
  const fields: { field: string; message: string }[] = [];
  const format = query.format ?? 'csv';
  if (format !== 'csv' && format !== 'ndjson') fields.push({ field: 'format', message: 'Format « csv » ou « ndjson » attendu.' });
  const rawSeparator = query.separator ?? ';';
  const separator = rawSeparator === 'comma' ? ',' : rawSeparator === 'semicolon' ? ';' : rawSeparator;
  if (separator !== ';' && separator !== ',') fields.push({ field: 'separator', message: 'Séparateur « ; » (par défaut) ou « , » attendu.' });
  if (fields.length > 0) throw new AppError('history.export.invalid', 'validation', 'Certains critères d’export sont à corriger.', fields);
  return { format: format as ExportFormat, separator: separator as CsvSeparator };
};

/**
 * The history routes: the JSON API (CloudEvents), the export (one page per request, the next
 * cursor in a header, since API Gateway HTTP APIs do not stream), a session's timeline page and
 * the download of its PV files (a 302 to a link signed at the click). The API routes sit behind
 * the JWT authorizer; the page and the download are public at the gateway and read the session
 * cookie, like every page.
 */
export const historyRoutes = (options: HistoryHttpOptions): Route[] => [
  {
    method: 'GET',
    path: HISTORY_PATHS.api,
    handle: async (event) => {
      const principal = await authenticate(event, options.verify);
      const page = await options.service.page(principal, parseHistoryRequest(queryOf(event)));
      return json(200, { events: page.events, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, { 'cache-control': 'no-store' });
    },
  },
  {
    method: 'GET',
    path: HISTORY_PATHS.export,
    handle: async (event) => {
      const principal = await authenticate(event, options.verify);
      const query = queryOf(event);
      const { format, separator } = exportOptions(query);
      const request = parseHistoryRequest(query);
      const page = await options.service.page(principal, request);
      const extension = format === 'csv' ? 'csv' : 'ndjson';
      return {
        statusCode: 200,
        headers: {
          'content-type': exportContentType(format),
          'content-disposition': `attachment; filename="historique.${extension}"`,
          'cache-control': 'no-store',
          [PAGE_EVENTS_HEADER]: String(page.events.length),
          ...(page.nextCursor ? { [NEXT_CURSOR_HEADER]: page.nextCursor } : {}),
        },
        body: exportPage(page.events, { format, separator, first: request.cursor === undefined }),
      };
    },
  },
  {
    method: 'GET',
    path: HISTORY_PATHS.timeline,
    public: true,
    handle: async (event, params) => {
      const principal = await authenticate(event, options.verify);
      const sessionId = sessionIdSchema.safeParse(params.sessionId);
      if (!sessionId.success) throw sessionNotFound();
      const timeline = await options.service.timeline(principal, sessionId.data);
      return htmlResponse(200, timelinePage(principal, timeline).value);
    },
  },
  {
    method: 'GET',
    path: HISTORY_PATHS.pv,
    public: true,
    handle: async (event, params) => {
      const principal = await authenticate(event, options.verify);
      const sessionId = sessionIdSchema.safeParse(params.sessionId);
      if (!sessionId.success) throw sessionNotFound();
      // The timeline's scope decision first: another centre's session answers as an unknown one, whatever the revision.
      const download = await options.service.pvDownload(principal, sessionId.data, params.revision ?? '');
      if (download.kind === 'link') return { statusCode: 302, headers: { location: download.url, 'cache-control': 'no-store' }, body: '' };
      return htmlResponse(download.kind === 'expired' ? 410 : 404, pvUnavailablePage(principal, sessionId.data, download.kind === 'expired' ? download : undefined));
    },
  },
];

export const createHistoryHandler = (options: HistoryHttpOptions) => createRouter(historyRoutes(options));
