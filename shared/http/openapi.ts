import * as z from 'zod/mini';
import { centreId, departmentCode, regionCode, sessionId } from '../../events/index.js';
import type { FunctionDeclaration, HttpRoute } from '../platform/declarations.js';
import { operations, type Operation } from './operations.js';
import { params as paramSchemas } from './schemas.js';

/**
 * The OpenAPI 3.1 document of the JSON API, generated from the very zod schemas the edge validates
 * with, so the contract cannot drift from the code (a test fails when docs/openapi.json is stale).
 */
const jsonSchema = (schema: z.ZodMiniType): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

const pathParameters = (path: string) =>
  [...path.matchAll(/\{([A-Za-z]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: jsonSchema((paramSchemas as Record<string, z.ZodMiniType>)[name ?? ''] ?? z.string()),
  }));

const queryParameters = (operation: Operation) => {
  const shape = (operation.input as unknown as { shape?: Record<string, z.ZodMiniType> }).shape ?? {};
  return Object.entries(shape).map(([name, schema]) => ({ name, in: 'query', required: !schema.safeParse(undefined).success, schema: jsonSchema(schema) }));
};

const operationObject = (operation: Operation) => ({
  operationId: operation.id,
  summary: operation.summary,
  description: `Rôles : ${operation.roles.join(', ')}.${operation.sessionScoped ? ' Limité aux sessions du périmètre de l’utilisateur (son centre, son département, sa région ; pour un membre de jury, les sessions dont il est membre du jury) : la session d’un autre centre, ou hors du jury du membre, répond 404 comme un identifiant inconnu ; une unité départementale ou une direction régionale hors de son territoire reçoit 403.' : ''}`,
  tags: [operation.path.split('/')[2] ?? 'api'],
  parameters: [
    ...pathParameters(operation.path),
    ...(operation.method === 'GET' ? queryParameters(operation) : []),
    ...(operation.write
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: true,
            description: 'Une clé par écriture voulue : la même clé renvoie la première réponse sans rien écrire.',
            schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,128}$' },
          },
        ]
      : []),
  ],
  ...(operation.method === 'POST'
    ? {
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: jsonSchema(operation.input) },
            'application/x-www-form-urlencoded': { schema: jsonSchema(operation.input) },
          },
        },
      }
    : {}),
  responses: {
    [operation.id === 'createSession' || operation.id === 'habilitateJuror' ? '201' : '200']: {
      description: 'Succès',
      content: { 'application/json': { schema: { type: 'object' } } },
    },
    '400': errorResponse('Saisie invalide : un message en français par champ'),
    '401': errorResponse('Non authentifié'),
    '403': errorResponse('Rôle ou périmètre insuffisant'),
    '404': errorResponse('Introuvable'),
    '409': errorResponse('Modification concurrente, ou demande déjà en cours'),
    '413': errorResponse('Requête trop volumineuse'),
    '422': errorResponse('Refusé par une règle du domaine'),
  },
  security: [{ cognito: [] }],
});

/** The query string of the history API and its export (shared/history/query.ts reads it). */
const historyQuery = (exported: boolean) => [
  { name: 'sessionId', in: 'query', required: false, description: 'Une session (un seul critère de lieu à la fois).', schema: jsonSchema(sessionId) },
  { name: 'centreId', in: 'query', required: false, description: 'Un centre.', schema: jsonSchema(centreId) },
  { name: 'department', in: 'query', required: false, description: 'Un département (code INSEE).', schema: jsonSchema(departmentCode) },
  { name: 'region', in: 'query', required: false, description: 'Une région (code INSEE).', schema: jsonSchema(regionCode) },
  { name: 'type', in: 'query', required: false, description: 'Types d’événements du catalogue, séparés par des virgules.', schema: { type: 'string' } },
  { name: 'actor', in: 'query', required: false, description: 'L’identifiant de l’auteur.', schema: { type: 'string' } },
  { name: 'from', in: 'query', required: false, description: 'Depuis (AAAA-MM-JJ ou horodatage ISO 8601).', schema: { type: 'string' } },
  { name: 'to', in: 'query', required: false, description: 'Jusqu’à (AAAA-MM-JJ ou horodatage ISO 8601).', schema: { type: 'string' } },
  { name: 'order', in: 'query', required: false, schema: { type: 'string', enum: ['asc', 'desc'] } },
  { name: 'limit', in: 'query', required: false, description: 'Taille de la page (1 à 500, 50 par défaut).', schema: { type: 'string' } },
  { name: 'cursor', in: 'query', required: false, description: 'Le curseur de la page suivante.', schema: { type: 'string' } },
  ...(exported
    ? [
        { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['csv', 'ndjson'] } },
        { name: 'separator', in: 'query', required: false, description: 'CSV : « ; » (par défaut) ou « , » (aussi « semicolon », « comma »).', schema: { type: 'string' } },
      ]
    : []),
];

const HTML = { 'text/html': { schema: { type: 'string' } } };

/** A route of another HTTP function than the API: the history (JSON, export, timeline page), the pages, the sign-in. */
const routeObject = (fn: string, route: HttpRoute) => {
  const history = fn === 'history' && route.path.startsWith('/api/');
  const exported = history && route.path.endsWith('/export');
  const success = history
    ? exported
      ? { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } }
      : { 'application/json': { schema: { type: 'object', description: '{ events: CloudEvent[], nextCursor? }' } } }
    : HTML;
  return {
    operationId: `${fn}.${route.method.toLowerCase()}.${route.path}`,
    summary: route.summary ?? `${fn} ${route.method} ${route.path}`,
    description: route.public
      ? 'Page ou formulaire en français, authentifié par le cookie de session (tp_session) ; tout formulaire porte un jeton CSRF.'
      : 'Derrière l’autorisation JWT, dans le périmètre de l’utilisateur.',
    tags: [fn],
    parameters: [...pathParameters(route.path), ...(history ? historyQuery(exported) : [])],
    ...(route.method === 'POST'
      ? { requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' } }, 'multipart/form-data': { schema: { type: 'object' } } } } }
      : {}),
    responses: {
      ...(route.redirects
        ? {
            '302': { description: 'Renvoie vers le document (lien signé au moment de la demande)', headers: { Location: { schema: { type: 'string' } } } },
            '410': { description: 'Le document a été supprimé (page en français)', content: HTML },
          }
        : {
            [route.method === 'POST' ? '303' : '200']: {
              description: route.method === 'POST' ? 'Enregistré : renvoie vers la page du résultat' : 'Succès',
              ...(route.method === 'POST' ? {} : { content: success }),
            },
          }),
      ...(route.method === 'POST'
        ? { '400': { description: 'Saisie invalide : le formulaire revient avec un message par champ', content: HTML } }
        : { '400': errorResponse('Critère invalide') }),
      '401': errorResponse('Non authentifié (les pages renvoient vers la connexion)'),
      '403': errorResponse('Rôle ou périmètre insuffisant'),
      '404': errorResponse('Introuvable (une session d’un autre centre l’est aussi)'),
    },
    ...(route.public ? {} : { security: [{ cognito: [] }] }),
  };
};

/**
 * Every route of every HTTP function: the API's from its operations, the others from their
 * declarations (functions/index.ts), so a route cannot be served without being documented.
 */
export const openApiDocument = (declarations: readonly FunctionDeclaration[]) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    paths[operation.path] = { ...(paths[operation.path] ?? {}), [operation.method.toLowerCase()]: operationObject(operation) };
  }
  for (const declaration of declarations) {
    if (declaration.trigger.kind !== 'http' || declaration.name === 'api') continue;
    for (const route of declaration.trigger.routes) {
      paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: routeObject(declaration.name, route) };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'tp-sessions — API des sessions du titre professionnel',
      version: '1.0.0',
      description:
        'Une route par commande du domaine et par requête des pages, puis l’historique, les pages HTML et la connexion. Les écritures exigent une clé d’idempotence. Les erreurs sont en français, champ par champ. Les données personnelles (noms, dates de naissance, aménagements) ne sont lues que par les rôles qui en ont besoin.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Jeton Cognito (hors ligne : la connexion locale).' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'fields'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                fields: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
                correlationId: { type: 'string' },
              },
            },
          },
        },
      },
    },
    paths,
  };
};

/** The committed text: stable key order and a final newline. */
export const openApiText = (declarations: readonly FunctionDeclaration[]): string => `${JSON.stringify(openApiDocument(declarations), null, 2)}\n`;
