import { createHash, randomUUID } from 'node:crypto';
import { DEMO_JUROR_ID } from '../../../shared/auth/localIdp.js';

/**
 * A whole session's life, driven only through the HTTP API of a running system (offline by
 * default): the UD habilitates two jurors, the centre submits its yearly programme, records a
 * session with two candidates, appoints the jury, sends the convocations, posts the order of
 * passage, checks the plateau and
 * the seals on exam day, records the signed PV and uploads its PDF straight to S3 with the
 * presigned URL, enters the results in CERES, transmits; the UD validates. The clock is moved
 * forward between the steps through the regional admin's control, so the daily deadline run fires
 * on the days in between. Used by `npm run demo` and by the lifecycle test.
 */
export interface ScenarioContext {
  /** Base URL of the app, e.g. http://localhost:3000. */
  readonly appUrl: string;
  /** Base URL of the SES emulator (its `/store` lists the mails). */
  readonly mailboxUrl: string;
  /** Called with each step's French label as it starts. */
  readonly onStep?: (label: string) => void;
  /** Waits until the reactions (views, mails) caught up; defaults to polling. */
  readonly settle?: () => Promise<void>;
}

/** The session's calendar, `YYYY-MM-DD` (Paris days). */
export interface ScenarioDates {
  readonly year: number;
  /** First exam day. */
  readonly start: string;
  /** Last exam day. */
  readonly end: string;
  /** The UD validates the PV that day. */
  readonly validation: string;
}

const addDays = (day: string, days: number): string => {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};

/** A session about four months after `today`, on a Monday, so every rule's notice is respected. */
export const datesFrom = (today: Date): ScenarioDates => {
  const start = new Date(today.getTime() + 120 * 86_400_000);
  start.setUTCDate(start.getUTCDate() + ((8 - start.getUTCDay()) % 7));
  const startDay = start.toISOString().slice(0, 10);
  return { year: start.getUTCFullYear(), start: startDay, end: addDays(startDay, 2), validation: addDays(startDay, 7) };
};

export interface ScenarioState {
  readonly dates: ScenarioDates;
  jurorIds: string[];
  plannedSessionId?: string;
  sessionId?: string;
  candidateIds: string[];
  pdfSha256?: string;
}

export interface Step {
  readonly label: string;
  run(context: ScenarioContext, state: ScenarioState): Promise<void>;
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

const tokens = new Map<string, string>();

const tokenFor = async (context: ScenarioContext, user: string): Promise<string> => {
  const cached = tokens.get(`${context.appUrl}#${user}`);
  if (cached) return cached;
  const response = await fetch(`${context.appUrl}/local/token`, { method: 'POST', body: JSON.stringify({ user }) });
  if (!response.ok) throw new ScenarioError(`sign-in of ${user} failed: ${response.status}`);
  const { token } = (await response.json()) as { token: string };
  tokens.set(`${context.appUrl}#${user}`, token);
  return token;
};

/** One API call as a user; a write carries a fresh Idempotency-Key, as the API requires. */
const call = async <T = Record<string, unknown>>(context: ScenarioContext, user: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
  const response = await fetch(`${context.appUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await tokenFor(context, user)}`,
      ...(method === 'POST' ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new ScenarioError(`${method} ${path} as ${user}: ${response.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reactions are asynchronous: polls a read until it shows what the next step needs. */
const waitFor = async <T>(context: ScenarioContext, read: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (context.settle) await context.settle();
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new ScenarioError(`timed out waiting for ${what}`);
    await pause(200);
  }
};

const moveClock = async (context: ScenarioContext, to: string) => {
  const moved = await call<{ now: string; fired: { functionName: string; at: string }[] }>(context, 'region', 'POST', '/local/clock', { to });
  return moved;
};

interface SessionDetails {
  session: { candidateIds?: string[]; status?: string; results?: { status?: string }; jury?: { jurorId: string }[]; pv?: { document?: unknown } };
}

const sessionOf = (context: ScenarioContext, state: ScenarioState) => call<SessionDetails>(context, 'centre', 'GET', `/api/sessions/${state.sessionId ?? ''}`);

/** A small PDF: the intake checks the magic bytes, the size and the SHA-256. */
const demoPdf = (sessionId: string): Buffer =>
  Buffer.from(`%PDF-1.7\n% Procès-verbal de la session ${sessionId}, signé par le jury\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'utf8');

export const steps: readonly Step[] = [
  {
    label: 'L’unité départementale du Rhône habilite deux membres de jury',
    run: async (context, state) => {
      const { year } = state.dates;
      // Claire Dupont is the local sign-in's juror (`jur_claire-dupont`): after the demo, her page
      // « Mes convocations » shows this session. A second demo on the same data finds her already
      // habilitated for these dates (409) and assigns her again.
      for (const [lastName, firstName, jurorId] of [
        ['Dupont', 'Claire', DEMO_JUROR_ID],
        ['Moreau', 'Louis', undefined],
      ] as const) {
        const result = await call<{ jurorId: string }>(context, 'ud', 'POST', '/api/jurors', {
          ...(jurorId ? { jurorId } : {}),
          lastName,
          firstName,
          email: `${firstName?.toLowerCase()}.${lastName?.toLowerCase()}@jury.example`,
          titreCode: 'RNCP37674',
          department: '69',
          validFrom: `${year - 1}-01-01`,
          validUntil: `${year + 1}-06-30`,
          professionalisationDate: `${year - 2}-11-15`,
        }).catch((error: unknown) => {
          if (jurorId && error instanceof ScenarioError && error.message.includes(': 409 ')) return { jurorId };
          throw error;
        });
        state.jurorIds.push(result.jurorId);
      }
    },
  },
  {
    label: 'Le centre transmet sa programmation prévisionnelle annuelle',
    run: async (context, state) => {
      const { year, start, end } = state.dates;
      await call(context, 'centre', 'POST', `/api/programmes/${year}`, {
        sessions: [{ titreCode: 'RNCP37674', expectedStart: start, expectedEnd: end, expectedCandidates: 2 }],
      });
      // The session will be created from this planned one: the UD sees the programme honoured.
      state.plannedSessionId = await waitFor(
        context,
        async () => {
          const view = await call<{ programme: { plannedSessions?: { plannedSessionId: string; expectedStart: string }[] } | null }>(
            context,
            'centre',
            'GET',
            `/api/centres/ctr_lyon-formation/programmes/${year}`,
          );
          return view.programme?.plannedSessions?.find((planned) => planned.expectedStart === start)?.plannedSessionId;
        },
        'the programme view',
      );
    },
  },
  {
    label: 'Le centre enregistre la session créée dans CERES, avec deux candidats',
    run: async (context, state) => {
      const created = await call<{ sessionId: string }>(context, 'centre', 'POST', '/api/sessions', {
        ...(state.plannedSessionId ? { plannedSessionId: state.plannedSessionId } : {}),
        ceresReference: `CERES-${state.dates.year}-0042`,
        titreCode: 'RNCP37674',
        startDate: state.dates.start,
        endDate: state.dates.end,
        site: 'Lyon 7e',
        candidates: [
          { lastName: 'Martin', firstName: 'Léa', birthDate: '1990-03-12', email: 'lea.martin@candidat.example' },
          { lastName: 'Petit', firstName: 'Hugo', birthDate: '1988-07-21', email: 'hugo.petit@candidat.example' },
        ],
      });
      state.sessionId = created.sessionId;
      const details = await waitFor(
        context,
        async () => {
          const found = await sessionOf(context, state);
          return (found.session.candidateIds?.length ?? 0) === 2 ? found : undefined;
        },
        'the session view',
      );
      state.candidateIds = details.session.candidateIds ?? [];
    },
  },
  {
    label: 'Le centre désigne le jury et envoie les convocations',
    run: async (context, state) => {
      await waitFor(
        context,
        async () => {
          const jurors = await call<{ items: { jurorId: string }[] }>(context, 'ud', 'GET', '/api/jurors');
          return state.jurorIds.every((id) => jurors.items.some((j) => j.jurorId === id)) ? true : undefined;
        },
        'the juror views',
      );
      for (const jurorId of state.jurorIds) await call(context, 'centre', 'POST', `/api/sessions/${state.sessionId}/jury`, { jurorId, tiedCandidateIds: [] });
      await waitFor(context, async () => ((await sessionOf(context, state)).session.jury?.length === state.jurorIds.length ? true : undefined), 'the jury in the view');
      for (const audience of ['jurors', 'candidates']) await call(context, 'centre', 'POST', `/api/sessions/${state.sessionId}/convocations`, { audience });
    },
  },
  {
    label: 'Le centre affiche l’ordre de passage : le jour, l’heure et la nature de chaque épreuve',
    run: async (context, state) => {
      const [first = '', second = ''] = state.candidateIds;
      const { start, end } = state.dates;
      await call(context, 'centre', 'POST', `/api/sessions/${state.sessionId}/passages`, {
        passages: [
          { candidateId: first, test: 'mise-en-situation', on: start, at: '08:30' },
          { candidateId: second, test: 'mise-en-situation', on: start, at: '13:30' },
          { candidateId: first, test: 'entretien-final', on: end, at: '09:00' },
          { candidateId: second, test: 'entretien-final', on: end, at: '10:00' },
        ],
      });
    },
  },
  {
    label: 'L’horloge avance au premier jour d’examen : chaque matin entre-temps, la tournée des échéances passe',
    run: async (context, state) => {
      await moveClock(context, `${state.dates.start}T06:00:00Z`);
    },
  },
  {
    label: 'Le jour J, le centre vérifie le plateau technique et les plis cachetés',
    run: async (context, state) => {
      await call(context, 'centre', 'POST', `/api/sessions/${state.sessionId}/plateau`, { durationMinutes: 60, jurorIds: state.jurorIds, compliant: true });
      await call(context, 'centre', 'POST', `/api/sessions/${state.sessionId}/seals`, { presentCandidateIds: state.candidateIds, sealsIntact: true });
    },
  },
  {
    label: 'Fin des épreuves : le jury signe le PV, le centre le dépose sur S3 avec l’adresse présignée',
    run: async (context, state) => {
      await moveClock(context, `${state.dates.end}T16:00:00Z`);
      const sessionId = state.sessionId ?? '';
      const pdf = demoPdf(sessionId);
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      state.pdfSha256 = sha256;
      const [first, second] = state.candidateIds;
      await waitFor(context, async () => ((await sessionOf(context, state)).session.status !== undefined ? true : undefined), 'the session view after exam day');
      await call(context, 'centre', 'POST', `/api/sessions/${sessionId}/pv`, {
        decisions: [
          { candidateId: first, decision: 'titre-obtenu', ccpObtained: [] },
          { candidateId: second, decision: 'reussite-partielle', ccpObtained: ['RNCP37674BC01'] },
        ],
        signatoryIds: state.jurorIds,
        documentSha256: sha256,
      });
      const upload = await call<{ url: string; headers: Record<string, string> }>(context, 'centre', 'POST', `/api/sessions/${sessionId}/pv/upload-url`, {
        sha256,
        sizeBytes: pdf.length,
      });
      const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: pdf });
      if (!put.ok) throw new ScenarioError(`PV upload to S3: ${put.status} ${await put.text()}`);
      await waitFor(context, async () => ((await sessionOf(context, state)).session.pv?.document ? true : undefined), 'the stored PV (S3 intake)');
    },
  },
  {
    label: 'Le centre saisit les résultats dans CERES et transmet le PV à l’unité départementale',
    run: async (context, state) => {
      await call(context, 'centre', 'POST', `/api/sessions/${state.sessionId}/ceres-results`, {});
      await call(context, 'centre', 'POST', `/api/sessions/${state.sessionId}/pv/transmit`, {});
    },
  },
  {
    label: 'Une semaine plus tard, l’unité départementale valide le PV : les résultats deviennent officiels',
    run: async (context, state) => {
      await moveClock(context, `${state.dates.validation}T08:00:00Z`);
      await waitFor(
        context,
        async () => {
          const pending = await call<{ items: { sessionId: string }[] }>(context, 'ud', 'GET', '/api/ud/pv');
          return pending.items.some((item) => item.sessionId === state.sessionId) ? true : undefined;
        },
        'the PV in the UD queue',
      );
      await call(context, 'ud', 'POST', `/api/sessions/${state.sessionId}/pv/validate`, {});
      await waitFor(context, async () => ((await sessionOf(context, state)).session.results?.status === 'official' ? true : undefined), 'official results');
    },
  },
];

export interface TimelineEntry {
  readonly time: string;
  readonly type: string;
  readonly subject: string;
  readonly actor: string;
}

/** The session's events (and the jurors' and programme's), oldest first, from the history API. */
export const timeline = async (context: ScenarioContext): Promise<TimelineEntry[]> => {
  const entries: TimelineEntry[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ order: 'asc', limit: '200', ...(cursor ? { cursor } : {}) });
    const page = await call<{ items?: Record<string, unknown>[]; events?: Record<string, unknown>[]; nextCursor?: string }>(context, 'region', 'GET', `/api/history?${query}`);
    for (const event of page.items ?? page.events ?? [])
      entries.push({ time: String(event.time), type: String(event.type), subject: String(event.subject), actor: `${String(event.actorrole)}` });
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
};

export interface SentMail {
  readonly to: string;
  readonly subject: string;
  readonly at: number;
}

/** The mails the SES emulator received. */
export const sentMails = async (context: ScenarioContext): Promise<SentMail[]> => {
  const response = await fetch(new URL('/store', context.mailboxUrl));
  const store = (await response.json()) as { emails: { destination?: { to?: string[] }; subject?: string; at: number }[] };
  return store.emails.map((mail) => ({ to: (mail.destination?.to ?? []).join(', '), subject: mail.subject ?? '', at: mail.at }));
};

/** The system's clock, as the runtime shows it. */
export const systemNow = async (context: ScenarioContext): Promise<Date> => {
  const response = await fetch(`${context.appUrl}/local/clock`);
  if (!response.ok) throw new ScenarioError(`GET /local/clock: ${response.status}`);
  return new Date(((await response.json()) as { now: string }).now);
};

export const newState = (dates: ScenarioDates): ScenarioState => ({ dates, jurorIds: [], candidateIds: [] });

/** Runs the steps `from` (inclusive) to `to` (exclusive), carrying the state between calls. */
export const runScenario = async (context: ScenarioContext, state: ScenarioState, from = 0, to = steps.length): Promise<ScenarioState> => {
  for (const step of steps.slice(from, to)) {
    context.onStep?.(step.label);
    await step.run(context, state);
  }
  return state;
};
