import * as z from 'zod/mini';
import { authenticate } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/verify.js';
import { coversTarget, forbidden } from '../auth/authorize.js';
import { DomainError } from '../domain/errors.js';
import { AppError, isAppError } from '../errors.js';
import { parseBody, type ParsedBody } from './body.js';
import { header, json, requestIdOf, type HttpEvent, type HttpResponse } from './event.js';
import { fingerprintOf, IDEMPOTENCY_KEY, scopedKey } from './idempotency.js';
import type { AppDeps } from '../application/useCase.js';
import { checkSessionAccess, checkSessionCommandAccess, checkTargetAccess, operations, type Operation } from './operations.js';
import { createRouter, type Route } from './router.js';
import { params as paramSchemas } from './schemas.js';
import { coerceForm, fieldErrorsOf, parseInput } from './validation.js';

/** The idempotency key field of a form post (the JSON API uses the `Idempotency-Key` header). */
const IDEMPOTENCY_FIELD = 'idempotencyKey';

/** Path parameters checked like any input: a malformed id is a 400, never a lookup. */
export const checkParams = (params: Readonly<Record<string, string>>): void => {
  const errors = Object.entries(params).flatMap(([name, value]) => {
    const schema = (paramSchemas as Record<string, z.ZodMiniType | undefined>)[name];
    if (!schema) return [];
    const result = schema.safeParse(value);
    return result.success ? [] : fieldErrorsOf(result.error).map((error) => ({ ...error, field: name }));
  });
  if (errors.length > 0) throw new AppError('input.invalid', 'validation', 'L’adresse demandée contient un identifiant invalide.', errors);
};

/** Splits the hidden fields (CSRF, idempotency key) from what the operation's schema reads. */
export const splitFormControls = (value: unknown): { input: unknown; idempotencyKey?: string; csrf?: string } => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { input: value };
  const { [IDEMPOTENCY_FIELD]: key, _csrf: csrf, ...input } = value as Record<string, unknown>;
  return { input, ...(typeof key === 'string' ? { idempotencyKey: key } : {}), ...(typeof csrf === 'string' ? { csrf } : {}) };
};

export interface Invocation {
  readonly operation: Operation;
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string>>;
  /** The raw input: parsed JSON, or form values (coerced here by the schema). */
  readonly raw: unknown;
  readonly fromForm: boolean;
  readonly idempotencyKey?: string | undefined;
  readonly correlationId: string;
}

const PERSON_ID = /\b(?:cand|jur)_(?:[0-9A-HJKMNP-TV-Z]{26}|[a-z0-9-]{1,64})\b/g;

/**
 * The jurors a reader may see named: those on the jury of the session the request names (within
 * the reader's scope), and those of the reader's own department (a centre chooses its jury among
 * them, a UD habilitates them). Any other id stays bare, so that a refusal about an id typed in a
 * path never tells a name the reader could not read elsewhere.
 */
const nameableJurors = async (deps: AppDeps, principal: Principal, sessionId: string | undefined, ids: readonly string[]): Promise<string[]> => {
  if (ids.length === 0) return [];
  const session = sessionId ? await deps.views.getSessionView(sessionId) : undefined;
  const onJury = new Set(session && coversTarget(principal, session) ? session.jury.map((member) => member.jurorId) : []);
  const department = principal.actor.scope.department;
  const visible = await Promise.all(ids.map(async (id) => onJury.has(id) || (department !== undefined && (await deps.views.getJurorView(id))?.department === department)));
  return ids.filter((_, index) => visible[index]);
};

/**
 * A refusal as its reader should read it: the domain names people by their pseudonymous ids, the
 * answer by their names, read with the reader's own rights (a candidate's name only for the centre
 * that registered them and its UD, a juror's as `nameableJurors` says; an erased candidate keeps
 * the bare id). Same wording as the pages.
 */
const withPeopleNamed = async (deps: AppDeps, principal: Principal, error: unknown, sessionId?: string): Promise<unknown> => {
  if (!isAppError(error)) return error;
  const texts = [error.message, ...error.fields.map((field) => field.message)];
  const ids = [...new Set(texts.flatMap((text) => text.match(PERSON_ID) ?? []))];
  if (ids.length === 0) return error;
  const [candidates, jurors] = await Promise.all([
    deps.personalData.readCandidates(
      principal,
      ids.filter((id) => id.startsWith('cand_')),
    ),
    nameableJurors(
      deps,
      principal,
      sessionId,
      ids.filter((id) => id.startsWith('jur_')),
    ).then((visible) => deps.personalData.readJurors(visible)),
  ]);
  const names = new Map<string, string>([
    ...[...candidates].map(([id, person]) => [id, `${person.lastName.toUpperCase()} ${person.firstName}`] as const),
    ...[...jurors].map(([id, person]) => [id, `${person.firstName} ${person.lastName.toUpperCase()}`] as const),
  ]);
  if (names.size === 0) return error;
  const rename = (text: string) => text.replace(PERSON_ID, (id) => names.get(id) ?? id);
  const fields = error.fields.map((field) => ({ ...field, message: rename(field.message) }));
  return error instanceof DomainError
    ? new DomainError(error.code, rename(error.message), error.category as ConstructorParameters<typeof DomainError>[2], error.subject, fields)
    : new AppError(error.code, error.category, rename(error.message), fields);
};

/**
 * Runs one operation with every edge check, in order: role, path parameters, input validation,
 * scope, then (writes) the idempotency key. Invalid input or a refused scope never reaches a
 * store. A write's key goes down to the event store with a hash of the request: a retry gets the
 * first answer from the commit the key produced (shared/http/idempotency.ts), flagged by the
 * `idempotent-replayed` header.
 */
export const invoke = async (deps: AppDeps, call: Invocation, respond: (status: number, body: Record<string, unknown>) => HttpResponse): Promise<HttpResponse> => {
  try {
    return await invokeChecked(deps, call, respond);
  } catch (error) {
    // A refusal names people, not ids (`withPeopleNamed`).
    throw await withPeopleNamed(deps, call.principal, error, call.operation.sessionScoped ? call.params.sessionId : undefined);
  }
};

const invokeChecked = async (deps: AppDeps, call: Invocation, respond: (status: number, body: Record<string, unknown>) => HttpResponse): Promise<HttpResponse> => {
  const { operation, principal } = call;
  if (!operation.roles.includes(principal.actor.role)) throw forbidden('Votre rôle ne permet pas cette action.');
  checkParams(call.params);
  const sessionId = String(call.params.sessionId);
  const { session, prefetched } = !operation.sessionScoped
    ? {}
    : operation.write
      ? await checkSessionCommandAccess(deps, operation.roles, principal, sessionId)
      : { session: await checkSessionAccess(deps, operation.roles, principal, sessionId) };
  const input = parseInput(operation.input, call.fromForm ? coerceForm(operation.input, call.raw) : call.raw);
  if (!operation.sessionScoped) await checkTargetAccess(deps, operation, principal, input, call.params);
  const key = call.idempotencyKey;
  if (operation.write && (key === undefined || !IDEMPOTENCY_KEY.test(key))) {
    const message = 'Une clé d’idempotence (en-tête Idempotency-Key ou champ idempotencyKey, 8 à 128 caractères) est obligatoire pour toute écriture.';
    throw new AppError('idempotency.key-missing', 'validation', message, [{ field: IDEMPOTENCY_FIELD, message }]);
  }
  const idempotent = operation.write && key ? { idempotencyKey: scopedKey(principal.actor.id, operation.id, key), requestHash: fingerprintOf(call.params, input) } : {};
  const result = await operation.run(deps, { principal, params: call.params, input, correlationId: call.correlationId, session, prefetched, ...idempotent });
  const response = respond(result.status, result.body);
  return result.replayed ? { ...response, headers: { ...response.headers, 'idempotent-replayed': 'true' } } : response;
};

export interface ApiOptions {
  readonly deps: AppDeps;
  readonly verify: TokenVerifier;
  /** Body size limit in bytes, for the routes without their own (`Operation.bodyLimit`). */
  readonly bodyLimit?: number;
}

const queryOf = (event: HttpEvent): Record<string, string> => ({ ...(event.queryStringParameters as Record<string, string> | undefined) });

/** The routes of the JSON API (which also takes url-encoded and multipart form posts). */
const apiRoutes = (options: ApiOptions): Route[] =>
  operations.map((operation) => ({
    method: operation.method,
    path: operation.path,
    handle: async (event, params) => {
      const principal = await authenticate(event, options.verify);
      let body: ParsedBody = { kind: 'none', value: queryOf(event), files: [] };
      if (operation.method === 'POST') body = await parseBody(event, operation.bodyLimit ?? options.bodyLimit);
      const fromForm = operation.method === 'GET' || body.kind === 'form';
      const controls = fromForm ? splitFormControls(body.value) : { input: body.kind === 'none' ? {} : body.value };
      return invoke(
        options.deps,
        {
          operation,
          principal,
          params,
          raw: controls.input,
          fromForm,
          idempotencyKey: header(event, 'idempotency-key') ?? ('idempotencyKey' in controls ? controls.idempotencyKey : undefined),
          correlationId: requestIdOf(event),
        },
        (status, responseBody) => json(status, responseBody),
      );
    },
  }));

export const createApiHandler = (options: ApiOptions) => createRouter(apiRoutes(options));
