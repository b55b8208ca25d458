import type { Role } from '../../events/index.js';
import { authenticate, SESSION_COOKIE } from '../auth/authenticate.js';
import { forbidden } from '../auth/authorize.js';
import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/verify.js';
import { DomainError } from '../domain/errors.js';
import { AppError, httpStatusOf, isAppError, type FieldError } from '../errors.js';
import { checkParams, invoke, splitFormControls } from '../http/api.js';
import { parseBody, type MultipartReader, type UploadedFile } from '../http/body.js';
import { checkCsrf, csrfTokenFor } from '../http/csrf.js';
import { cookies, htmlResponse, json, requestIdOf, seeOther, type HttpEvent, type HttpResponse } from '../http/event.js';
import { IDEMPOTENCY_KEY } from '../http/idempotency.js';
import type { AppDeps } from '../application/useCase.js';
import { newId } from '../platform/ids.js';
import { checkSessionAccess, loadSession, routes, type Operation } from '../http/operations.js';
import type { Route } from '../http/router.js';
import { candidatesFromCsv } from './csv.js';
import type { FormState } from './forms.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { candidateNames, notices, type PageContext } from './pages/kit.js';

/**
 * The server-rendered pages and their form posts. Pages are public routes at the gateway: they
 * authenticate with the `tp_session` cookie, check every form post's CSRF token, and call the same
 * operations as the JSON API. A refused form comes back with the user's input and each error next
 * to its field; a successful one redirects (303) to the page that shows the result.
 */
export interface PagesOptions {
  readonly deps: AppDeps;
  readonly verify: TokenVerifier;
}

/** Multipart posts carry a CSV of candidates: a larger limit than the API's JSON. */
const FORM_BODY_LIMIT = 1024 * 1024;

/**
 * Each role's pages, and the multipart parser, load on first use: the bundle holds them in chunks
 * of their own (infra/bundling.ts), so a cold start parses the router and the operations, not the
 * templates of every role's pages.
 */
const centrePages = () => import('./pages/centre.js');
const udPages = () => import('./pages/ud.js');
const jurorPages = () => import('./pages/juror.js');
const drawPages = () => import('./pages/draw.js');
const passagePages = () => import('./pages/passages.js');
const agrementPages = () => import('./pages/agrements.js');
const titrePages = () => import('./pages/titres.js');
const regionPages = () => import('./pages/region.js');

/** A page's render, from a module loaded when the page is first asked for. */
const lazily =
  <M>(load: () => Promise<M>, render: (pages: M) => PageSpec['render']): PageSpec['render'] =>
  async (context, state) =>
    render(await load())(context, state);

const parseMultipart: MultipartReader = async (...args) => (await import('../http/multipart.js')).parseMultipart(...args);

export const errorPage = (status: number, message: string, correlationId: string): string =>
  layout({
    title: status === 404 ? 'Page introuvable' : status === 403 ? 'Accès refusé' : status >= 500 ? 'Erreur du service' : 'Demande refusée',
    body: html`<p>${message}</p>
      ${status >= 500 ? html`<p>Numéro de suivi : <code>${correlationId}</code></p>` : ''}
      <p><a href="/">Revenir à l’accueil</a></p>`,
  }).value;

interface PageSpec {
  readonly path: string;
  readonly roles: readonly Role[];
  readonly title: (context: PageContext) => string;
  /** Session pages check the session's scope. */
  readonly sessionScoped?: boolean;
  readonly render: (context: PageContext, state: FormState) => Promise<Html>;
  readonly breadcrumb?: (context: PageContext) => { href: string; label: string }[];
  readonly scripts?: readonly string[];
}

interface Prepared {
  readonly raw: unknown;
  readonly errors: FieldError[];
  /** Where an error on the prepared input points in the form (a CSV line points at the file). */
  readonly remap?: (error: FieldError) => FieldError;
}

interface PostSpec {
  readonly path: string;
  readonly operation: Operation;
  /** The page re-rendered with the errors. */
  readonly page: PageSpec;
  readonly success: (context: PageContext, body: Record<string, unknown>) => string;
  /** Turns the posted form into the operation's input (CSV import) and maps errors back to fields. */
  readonly prepare?: (raw: Record<string, unknown>, files: readonly UploadedFile[]) => Prepared;
  /** Path parameters of the operation the page's path does not carry (the signed-in juror's own id). */
  readonly params?: (context: PageContext) => Record<string, string>;
  /**
   * A form of rows whose « more rows » button posts the form with this control: the page comes back
   * with what was typed and that many rows (its `?lignes=`), and nothing is recorded.
   */
  readonly moreRows?: string;
}

const sessionCrumb = (context: PageContext) =>
  context.session
    ? [
        { href: context.principal.actor.role === 'ud' ? '/ud' : '/centre', label: 'Tableau de bord' },
        { href: `/${context.principal.actor.role === 'ud' ? 'ud' : 'centre'}/sessions/${context.session.sessionId}`, label: `Session ${context.session.ceresReference}` },
      ]
    : [];

const centreStep = (step: string, title: string, render: PageSpec['render'], scripts?: readonly string[]): PageSpec => ({
  path: `/centre/sessions/{sessionId}/${step}`,
  roles: ['centre'],
  sessionScoped: true,
  title: () => title,
  render,
  breadcrumb: sessionCrumb,
  ...(scripts ? { scripts } : {}),
});

const pages = {
  dashboard: { path: '/centre', roles: ['centre'], title: () => 'Tableau de bord du centre', render: lazily(centrePages, (p) => (c) => p.dashboard(c)) },
  programme: {
    path: '/centre/programme/{year}',
    roles: ['centre'],
    title: (c) => `Programmation prévisionnelle ${c.params.year ?? ''}`,
    render: lazily(centrePages, (p) => p.programmeForm),
    breadcrumb: () => [{ href: '/centre', label: 'Tableau de bord' }],
  },
  newSession: {
    path: '/centre/sessions/nouvelle',
    roles: ['centre'],
    title: () => 'Enregistrer une session',
    render: lazily(centrePages, (p) => p.createSessionForm),
    breadcrumb: () => [{ href: '/centre', label: 'Tableau de bord' }],
  },
  session: {
    path: '/centre/sessions/{sessionId}',
    roles: ['centre'],
    sessionScoped: true,
    title: (c) => `Session ${c.session?.ceresReference ?? ''}`,
    render: lazily(centrePages, (p) => (c) => p.sessionPage(c)),
    breadcrumb: () => [{ href: '/centre', label: 'Tableau de bord' }],
  },
  jury: centreStep(
    'jury',
    'Désigner le jury',
    lazily(centrePages, (p) => p.juryForm),
  ),
  accommodations: centreStep(
    'amenagements',
    'Aménagements d’épreuves',
    lazily(centrePages, (p) => p.accommodationsForm),
  ),
  convocations: centreStep(
    'convocations',
    'Convocations',
    lazily(centrePages, (p) => p.convocationsForm),
  ),
  passages: centreStep(
    'passages',
    'Ordre de passage',
    lazily(passagePages, (p) => p.passagesForm),
  ),
  passagesNotice: centreStep(
    'affichage',
    'Ordre de passage des candidats',
    lazily(passagePages, (p) => (c) => p.passagesNotice(c)),
  ),
  udPassagesNotice: {
    path: '/ud/sessions/{sessionId}/affichage',
    roles: ['ud'],
    sessionScoped: true,
    title: () => 'Ordre de passage des candidats',
    render: lazily(passagePages, (p) => (c) => p.passagesNotice(c)),
    breadcrumb: sessionCrumb,
  },
  jurorPassagesNotice: {
    path: '/jure/sessions/{sessionId}/affichage',
    roles: ['juror'],
    sessionScoped: true,
    title: () => 'Ordre de passage des candidats',
    render: lazily(passagePages, (p) => (c) => p.passagesNotice(c)),
    breadcrumb: (c) => [
      { href: '/jure', label: 'Mes convocations' },
      { href: `/jure/sessions/${c.params.sessionId}`, label: `Session ${c.session?.ceresReference ?? ''}` },
    ],
  },
  plateau: centreStep(
    'plateau',
    'Vérification du plateau technique',
    lazily(centrePages, (p) => p.plateauForm),
  ),
  seals: centreStep(
    'plis',
    'Vérification des plis cachetés',
    lazily(centrePages, (p) => p.sealsForm),
  ),
  pv: centreStep(
    'pv',
    'Décisions et procès-verbal signé',
    lazily(centrePages, (p) => p.pvForm),
    ['/static/pv-upload.js'],
  ),
  ceres: centreStep(
    'ceres',
    'Résultats saisis dans CERES',
    lazily(centrePages, (p) => p.confirmForm('ceres', 'Confirmez que vous avez saisi les résultats de la session dans CERES.', 'Les résultats sont saisis dans CERES')),
  ),
  jurorRemoval: centreStep(
    'jury/{jurorId}/retrait',
    'Retirer un membre du jury',
    lazily(centrePages, (p) => p.jurorRemovalForm),
  ),
  erasure: centreStep(
    'candidats/{candidateId}/effacement',
    'Effacer les données personnelles d’un candidat',
    lazily(centrePages, (p) => p.erasureForm),
  ),
  transmission: centreStep(
    'transmission',
    'Transmission du PV à l’unité départementale',
    lazily(centrePages, (p) =>
      p.confirmForm('transmission', 'Le procès-verbal signé et complet est transmis à l’unité départementale, qui l’instruit et le valide.', 'Transmettre le PV'),
    ),
  ),
  drawReplay: centreStep(
    'tirage',
    'Tirage au sort rejoué',
    lazily(drawPages, (p) => (c) => p.drawReplayPage(c)),
  ),
  udDrawReplay: {
    path: '/ud/sessions/{sessionId}/tirage',
    roles: ['ud'],
    sessionScoped: true,
    title: () => 'Tirage au sort rejoué',
    render: lazily(drawPages, (p) => (c) => p.drawReplayPage(c)),
    breadcrumb: sessionCrumb,
  },
  udHome: { path: '/ud', roles: ['ud'], title: () => 'Tableau de bord de l’unité départementale', render: lazily(udPages, (p) => (c) => p.udDashboard(c)) },
  udSession: {
    path: '/ud/sessions/{sessionId}',
    roles: ['ud'],
    sessionScoped: true,
    title: (c) => `Session ${c.session?.ceresReference ?? ''}`,
    render: lazily(udPages, (p) => p.udSessionPage),
    breadcrumb: () => [{ href: '/ud', label: 'Tableau de bord' }],
  },
  udSessions: {
    path: '/ud/sessions-du-departement',
    roles: ['ud'],
    title: () => 'Sessions du département',
    render: lazily(udPages, (p) => (c) => p.udSessionsPage(c)),
  },
  jurors: { path: '/ud/jures', roles: ['ud'], title: () => 'Membres de jury et habilitations', render: lazily(udPages, (p) => p.jurorsPage) },
  behind: { path: '/ud/retards', roles: ['ud'], title: () => 'Centres en retard', render: lazily(udPages, (p) => (c) => p.centresBehindPage(c)) },
  jurorHome: { path: '/jure', roles: ['juror'], title: () => 'Mes convocations', render: lazily(jurorPages, (p) => (c) => p.jurorPage(c)) },
  jurorSession: {
    path: '/jure/sessions/{sessionId}',
    roles: ['juror'],
    sessionScoped: true,
    title: (c) => `Session ${c.session?.ceresReference ?? ''}`,
    render: lazily(jurorPages, (p) => p.jurorSessionPage),
    breadcrumb: () => [{ href: '/jure', label: 'Mes convocations' }],
  },
  jurorFraud: {
    path: '/jure/sessions/{sessionId}/fraude',
    roles: ['juror'],
    sessionScoped: true,
    title: () => 'Signaler une fraude',
    render: lazily(jurorPages, (p) => p.jurorFraudPage),
    breadcrumb: (c) => [
      { href: '/jure', label: 'Mes convocations' },
      { href: `/jure/sessions/${c.params.sessionId}`, label: `Session ${c.session?.ceresReference ?? ''}` },
    ],
  },
  regionSessions: { path: '/region/sessions', roles: ['region'], title: () => 'Sessions de la région', render: lazily(regionPages, (p) => (c) => p.regionSessionsPage(c)) },
  agrements: { path: '/agrements', roles: ['region', 'ud'], title: () => 'Agréments des centres', render: lazily(agrementPages, (p) => p.agrementsPage) },
  titres: { path: '/titres', roles: ['region', 'ud', 'centre'], title: () => 'Titres professionnels', render: lazily(titrePages, (p) => p.titresPage) },
  agrement: {
    path: '/agrements/{centreId}',
    roles: ['region', 'ud'],
    title: () => 'Agrément du centre',
    render: lazily(agrementPages, (p) => p.agrementPage),
    breadcrumb: () => [{ href: '/agrements', label: 'Agréments des centres' }],
  },
} satisfies Record<string, PageSpec>;

const toSession = (segment: string) => (context: PageContext, body: Record<string, unknown>) =>
  `/centre/sessions/${String(body.sessionId ?? context.params.sessionId ?? '')}?ok=${segment}`;

const posts: readonly PostSpec[] = [
  {
    path: '/centre/programme/{year}',
    operation: routes.submitProgramme,
    page: pages.programme,
    success: () => '/centre?ok=programme',
    prepare: (raw) => ({ raw: dropEmptyRows(raw, 'sessions', ['plannedSessionId']), errors: [], remap: emptyListSaid('sessions', NO_PLANNED_SESSION) }),
  },
  { path: '/centre/sessions', operation: routes.createSession, page: pages.newSession, success: toSession('session'), prepare: prepareCandidates, moreRows: 'lignes' },
  { path: '/centre/sessions/{sessionId}/jury', operation: routes.assignJuror, page: pages.jury, success: toSession('jury') },
  {
    path: '/centre/sessions/{sessionId}/jury/{jurorId}/retrait',
    operation: routes.unassignJuror,
    page: pages.jurorRemoval,
    success: (c) => `/centre/sessions/${c.params.sessionId}/jury?ok=jury-retrait`,
  },
  {
    path: '/centre/sessions/{sessionId}/amenagements',
    operation: routes.grantAccommodation,
    page: pages.accommodations,
    success: (c) => `/centre/sessions/${c.params.sessionId}/amenagements?ok=amenagement`,
  },
  { path: '/centre/sessions/{sessionId}/amenagements/information', operation: routes.informJuryOfAccommodations, page: pages.accommodations, success: toSession('jury-informe') },
  {
    path: '/centre/sessions/{sessionId}/convocations',
    operation: routes.sendConvocations,
    page: pages.convocations,
    success: (c) => `/centre/sessions/${c.params.sessionId}/convocations?ok=convocations`,
  },
  { path: '/centre/sessions/{sessionId}/plateau', operation: routes.checkPlateauTechnique, page: pages.plateau, success: toSession('plateau') },
  {
    path: '/centre/sessions/{sessionId}/passages',
    operation: routes.schedulePassages,
    page: pages.passages,
    success: toSession('passages'),
    prepare: (raw) => ({ raw: dropEmptyRows(raw, 'passages'), errors: [], remap: emptyListSaid('passages', NO_PASSAGE) }),
    moreRows: 'lignes',
  },
  {
    path: '/centre/sessions/{sessionId}/plis',
    operation: routes.checkSeals,
    page: pages.seals,
    success: (c, body) => `/centre/sessions/${c.params.sessionId}?ok=plis&tirage=${encodeURIComponent(String(body.drawnCandidateId ?? ''))}`,
  },
  { path: '/centre/sessions/{sessionId}/pv', operation: routes.signPv, page: pages.pv, success: toSession('pv') },
  { path: '/centre/sessions/{sessionId}/ceres', operation: routes.recordResultsInCeres, page: pages.ceres, success: toSession('ceres') },
  { path: '/centre/sessions/{sessionId}/transmission', operation: routes.transmitPv, page: pages.transmission, success: toSession('transmission') },
  { path: '/centre/sessions/{sessionId}/candidats/{candidateId}/effacement', operation: routes.eraseCandidatePersonalData, page: pages.erasure, success: toSession('effacement') },
  { path: '/ud/sessions/{sessionId}/validation', operation: routes.validatePv, page: pages.udSession, success: (c) => `/ud/sessions/${c.params.sessionId}?ok=validation` },
  { path: '/ud/sessions/{sessionId}/rejet', operation: routes.rejectPv, page: pages.udSession, success: (c) => `/ud/sessions/${c.params.sessionId}?ok=rejet` },
  { path: '/ud/sessions/{sessionId}/sanction', operation: routes.notifySanction, page: pages.udSession, success: (c) => `/ud/sessions/${c.params.sessionId}?ok=sanction` },
  {
    path: '/jure/sessions/{sessionId}/liens',
    operation: routes.declareTie,
    page: pages.jurorSession,
    params: (c) => ({ jurorId: c.principal.actor.scope.jurorId ?? '' }),
    success: (c) => `/jure/sessions/${c.params.sessionId}?ok=lien`,
  },
  { path: '/jure/sessions/{sessionId}/fraude', operation: routes.reportFraud, page: pages.jurorFraud, success: (c) => `/jure/sessions/${c.params.sessionId}?ok=fraude` },
  {
    path: '/titres/import',
    operation: routes.importTitres,
    page: pages.titres,
    success: () => '/titres?ok=titres',
    prepare: (raw, files) => {
      const text = (field: string) => files.find((file) => file.field === field)?.content.toString('utf8') ?? '';
      return { raw: { ...raw, fiches: text('fiches'), blocs: text('blocs') }, errors: [] };
    },
  },
  {
    path: '/agrements',
    operation: routes.recordAgrement,
    page: pages.agrements,
    success: () => '/agrements?ok=agrement',
    prepare: (raw) => ({ raw: withSiteLines(raw), errors: [] }),
  },
  {
    path: '/agrements/import',
    operation: routes.importAgrements,
    page: pages.agrements,
    success: () => '/agrements?ok=import',
    prepare: (raw, files) => ({ raw: { ...raw, csv: files.find((file) => file.field === 'csv')?.content.toString('utf8') ?? '' }, errors: [] }),
  },
  {
    path: '/agrements/{centreId}',
    operation: routes.amendAgrement,
    page: pages.agrement,
    success: (c) => `/agrements/${c.params.centreId}?ok=modification`,
    prepare: (raw) => ({ raw: withSiteLines(raw), errors: [] }),
  },
  { path: '/agrements/{centreId}/retrait', operation: routes.withdrawAgrement, page: pages.agrement, success: (c) => `/agrements/${c.params.centreId}?ok=agrement-retire` },
  { path: '/ud/jures', operation: routes.habilitateJuror, page: pages.jurors, success: () => '/ud/jures?ok=habilitation' },
  { path: '/ud/jures/{jurorId}/habilitations/{habilitationId}/retrait', operation: routes.withdrawHabilitation, page: pages.jurors, success: () => '/ud/jures?ok=retrait' },
];

/** The agrément's sites typed one per line in a text area: a list, blank lines dropped. */
function withSiteLines(raw: Record<string, unknown>): Record<string, unknown> {
  if (typeof raw.sites !== 'string') return raw;
  return {
    ...raw,
    sites: raw.sites
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== ''),
  };
}

/** Rows left entirely empty (the spare lines of a form) are not input. */
function dropEmptyRows(raw: Record<string, unknown>, field: string, ignored: readonly string[] = []): Record<string, unknown> {
  const rows = raw[field];
  if (!Array.isArray(rows)) return raw;
  const kept = rows.filter(
    (row) => typeof row !== 'object' || row === null || Object.entries(row as Record<string, unknown>).some(([key, value]) => !ignored.includes(key) && value !== ''),
  );
  return { ...raw, [field]: kept };
}

const NO_PLANNED_SESSION = 'Indiquez au moins une session prévue : son titre, ses dates de début et de fin prévues et le nombre de candidats attendus.';
const NO_PASSAGE = 'Indiquez au moins une épreuve : le candidat, l’épreuve, le jour et l’heure.';
const NO_CANDIDATE = 'Inscrivez au moins un candidat : saisissez son nom, son prénom et sa date de naissance ci-dessous, ou importez un fichier CSV.';

/**
 * A list of rows left empty (every line blank) is refused by the schema as « Au moins 1 élément. »:
 * the form says instead what to fill in. Other errors go through `then`.
 */
function emptyListSaid(field: string, message: string, then: (error: FieldError) => FieldError = (error) => error) {
  return (error: FieldError): FieldError => (error.field === field && /^Au moins 1 élément/.test(error.message) ? { field, message } : then(error));
}

function prepareCandidates(raw: Record<string, unknown>, files: readonly UploadedFile[]): Prepared {
  const typed = dropEmptyRows(raw, 'candidates');
  const typedRows = Array.isArray(typed.candidates) ? (typed.candidates as unknown[]) : [];
  // Typed rows keep their place in the form, so an error still points at the right line.
  const positions = Array.isArray(raw.candidates) ? (raw.candidates as unknown[]).flatMap((row, index) => (typedRows.includes(row) ? [index] : [])) : [];
  const csv = files.find((file) => file.field === 'candidatesCsv' && file.content.length > 0);
  const imported = csv ? candidatesFromCsv(csv.content.toString('utf8')) : { rows: [], lines: [], errors: [] };
  const remap = (error: FieldError): FieldError => {
    const match = /^candidates\.(\d+)\.(.*)$/.exec(error.field);
    if (!match) return error;
    const index = Number(match[1]);
    if (index < typedRows.length) return { ...error, field: `candidates.${positions[index] ?? index}.${match[2]}` };
    return { field: 'candidatesCsv', message: `Ligne ${imported.lines[index - typedRows.length] ?? '?'} du fichier : ${error.message}` };
  };
  return { raw: { ...typed, candidates: [...typedRows, ...imported.rows] }, errors: imported.errors, remap: emptyListSaid('candidates', NO_CANDIDATE, remap) };
}

/**
 * The edge has named the people the reader may see (shared/http/api.ts `withPeopleNamed`); a page
 * adds what only it knows: a candidate of this session whose data was erased shows as such.
 */
const withNames = async (context: PageContext, error: AppError): Promise<{ message: string; fields: readonly FieldError[] }> => {
  if (!(error instanceof DomainError)) return error;
  const candidates = await candidateNames(context, error.subject.candidateIds ?? []);
  const rename = (text: string) => [...candidates].reduce((out, [id, name]) => out.split(id).join(name), text);
  return { message: rename(error.message), fields: error.fields.map((field) => ({ ...field, message: rename(field.message) })) };
};

const queryOf = (event: HttpEvent): Record<string, string> => ({ ...(event.queryStringParameters as Record<string, string> | undefined) });

export const pageRoutes = (options: PagesOptions): Route[] => {
  const deps = new Proxy({} as AppDeps, { get: (_target, key) => options.deps[key as keyof AppDeps] });

  const contextFor = async (event: HttpEvent, params: Readonly<Record<string, string>>, spec: PageSpec): Promise<PageContext> => {
    const principal = await authenticate(event, options.verify);
    if (!spec.roles.includes(principal.actor.role)) throw forbidden('Cette page n’est pas destinée à votre rôle.');
    checkParams(params);
    const session = spec.sessionScoped ? await checkSessionAccess(deps, spec.roles, principal, String(params.sessionId)) : undefined;
    return { deps, principal, params, query: queryOf(event), session, csrf: csrfTokenFor(cookies(event).get(SESSION_COOKIE) ?? '') };
  };

  const renderPage = async (context: PageContext, spec: PageSpec, state: FormState, status = 200): Promise<HttpResponse> => {
    const body = await spec.render(context, state);
    const ok = context.query.ok;
    return htmlResponse(
      status,
      layout({
        title: spec.title(context),
        principal: context.principal,
        body,
        notice: ok && state.errors.length === 0 && Object.hasOwn(notices, ok) ? notices[ok] : undefined,
        ...(spec.breadcrumb ? { breadcrumb: spec.breadcrumb(context) } : {}),
        ...(spec.scripts ? { scripts: spec.scripts } : {}),
        path: spec.path,
      }).value,
    );
  };

  const emptyState = (context: PageContext): FormState => ({ values: {}, errors: [], csrf: context.csrf, idempotencyKey: newId('idem'), labels: new Map() });

  const getRoutes: Route[] = Object.values(pages).map((spec: PageSpec) => ({
    method: 'GET' as const,
    path: spec.path,
    public: true,
    summary: `Page « ${spec.title({ params: {}, query: {} } as unknown as PageContext).trim()} »`,
    handle: async (event, params) => {
      const context = await contextFor(event, params, spec);
      return renderPage(context, spec, emptyState(context));
    },
  }));

  const postRoutes: Route[] = posts.map((post) => ({
    method: 'POST' as const,
    path: post.path,
    public: true,
    summary: `Formulaire : ${post.operation.summary}`,
    handle: async (event, params) => {
      const context: PageContext = { ...(await contextFor(event, params, post.page)), postedTo: post.path };
      const body = await parseBody(event, post.operation.bodyLimit ?? FORM_BODY_LIMIT, parseMultipart);
      if (body.kind !== 'form') throw new AppError('input.invalid', 'validation', 'Formulaire attendu.');
      const controls = splitFormControls(body.value);
      checkCsrf(cookies(event).get(SESSION_COOKIE) ?? '', controls.csrf);
      const typed = controls.input as Record<string, unknown>;
      if (post.moreRows && typeof typed[post.moreRows] === 'string') {
        const { [post.moreRows]: rows, ...values } = typed;
        const more = { ...context, query: { ...context.query, [post.moreRows]: String(rows) } };
        const key = controls.idempotencyKey && IDEMPOTENCY_KEY.test(controls.idempotencyKey) ? controls.idempotencyKey : newId('idem');
        return renderPage(more, post.page, { values, errors: [], csrf: context.csrf, idempotencyKey: key, labels: new Map() });
      }
      const prepared = post.prepare ? post.prepare(controls.input as Record<string, unknown>, body.files) : { raw: controls.input, errors: [] };
      const state = (errors: readonly FieldError[]): FormState => ({
        values: controls.input as Record<string, unknown>,
        errors,
        csrf: context.csrf,
        idempotencyKey: controls.idempotencyKey && IDEMPOTENCY_KEY.test(controls.idempotencyKey) ? controls.idempotencyKey : newId('idem'),
        labels: new Map(),
      });
      if (prepared.errors.length > 0) return renderPage(context, post.page, state(prepared.errors), 400);
      try {
        return await invoke(
          deps,
          {
            operation: post.operation,
            principal: context.principal,
            params: { ...params, ...post.params?.(context) },
            raw: prepared.raw,
            fromForm: true,
            idempotencyKey: controls.idempotencyKey,
            correlationId: requestIdOf(event),
          },
          (_status, result) => seeOther(post.success(context, result)),
        );
      } catch (error) {
        if (!isAppError(error) || !['validation', 'rule', 'conflict'].includes(error.category)) throw error;
        const named = await withNames(context, error);
        const errors = named.fields.length > 0 ? named.fields.map(prepared.remap ?? ((e) => e)) : [{ field: '', message: named.message }];
        // The page shows the state after whatever changed meanwhile (a conflict is a concurrent change).
        const fresh = post.page.sessionScoped ? { ...context, session: await loadSession(deps, String(params.sessionId)) } : context;
        return renderPage(fresh, post.page, state(errors), httpStatusOf(error.category));
      }
    },
  }));

  const presign: Route = {
    method: 'POST',
    path: '/centre/sessions/{sessionId}/pv/depot',
    public: true,
    summary: `Formulaire : ${routes.presignPvUpload.summary}`,
    handle: async (event, params) => {
      const principal: Principal = await authenticate(event, options.verify);
      const body = await parseBody(event, undefined, parseMultipart);
      const controls = splitFormControls(body.value);
      checkCsrf(cookies(event).get(SESSION_COOKIE) ?? '', controls.csrf);
      return invoke(
        deps,
        { operation: routes.presignPvUpload, principal, params, raw: controls.input, fromForm: body.kind === 'form', correlationId: requestIdOf(event) },
        (status, result) => json(status, result),
      );
    },
  };

  const home: Route = {
    method: 'GET',
    path: '/',
    public: true,
    summary: 'Accueil : renvoie chaque rôle vers sa page',
    handle: async (event) => {
      const principal = await authenticate(event, options.verify);
      // Each role lands on its own page: the centre's dashboard, the UD's PVs, the juror's convocations, the region's sessions.
      const homes: Partial<Record<Role, string>> = { centre: '/centre', ud: '/ud', juror: '/jure', region: '/region/sessions' };
      const target = homes[principal.actor.role];
      if (target) return seeOther(target);
      return htmlResponse(200, layout({ title: 'Accueil', principal, body: html`<p>Aucune page de ce service n’est destinée à votre rôle : il y accède par l’API.</p>` }).value);
    },
  };

  const programmeShortcut: Route = {
    method: 'GET',
    path: '/centre/programme',
    public: true,
    summary: 'Renvoie vers la programmation prévisionnelle de l’année en cours',
    handle: async (event) => {
      await authenticate(event, options.verify);
      return seeOther(`/centre/programme/${deps.clock.now().getUTCFullYear()}`);
    },
  };

  const assets: Route = {
    method: 'GET',
    path: '/static/{file}',
    public: true,
    summary: 'Feuille de style et scripts des pages',
    handle: async (_event, params) => {
      // The stylesheet and scripts load with the first request for one (a chunk of their own):
      // a page's cold start does not carry them.
      const { staticAssets } = await import('./assets.js');
      const file = params.file ?? '';
      const asset = Object.hasOwn(staticAssets, file) ? staticAssets[file] : undefined;
      if (!asset) throw new AppError('route.not-found', 'not-found', 'Fichier introuvable.');
      return { statusCode: 200, headers: { 'content-type': asset.contentType, 'cache-control': 'public, max-age=3600' }, body: asset.body };
    },
  };

  return [home, assets, programmeShortcut, presign, ...getRoutes, ...postRoutes];
};

/**
 * The page routes as the function declaration lists them (method, path, public). Built without
 * adapters: a route only touches them when it answers a request.
 */
export const pageRouteKeys = (): { method: Route['method']; path: string; public: true; summary?: string }[] =>
  pageRoutes({
    get deps(): AppDeps {
      throw new Error('page routes listed for their declaration only');
    },
    verify: () => Promise.reject(new Error('page routes listed for their declaration only')),
  }).map((route) => ({ method: route.method, path: route.path, public: true as const, ...(route.summary ? { summary: route.summary } : {}) }));
