import * as z from 'zod';
import { operations, type Operation } from './operations.js';
import { params as paramSchemas } from './schemas.js';

/**
 * The OpenAPI 3.1 document of the JSON API, generated from the very zod schemas the edge validates
 * with, so the contract cannot drift from the code (a test fails when docs/openapi.json is stale).
 */
const jsonSchema = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

const pathParameters = (path: string) =>
  [...path.matchAll(/\{([A-Za-z]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: jsonSchema((paramSchemas as Record<string, z.ZodType>)[name ?? ''] ?? z.string()),
  }));

const queryParameters = (operation: Operation) => {
  const shape = (operation.input as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.entries(shape).map(([name, schema]) => ({ name, in: 'query', required: !schema.safeParse(undefined).success, schema: jsonSchema(schema) }));
};

const operationObject = (operation: Operation) => ({
  operationId: operation.id,
  summary: operation.summary,
  description: `Rôles : ${operation.roles.join(', ')}.${operation.sessionScoped ? ' Limité aux sessions du périmètre de l’utilisateur (son centre, son département, sa région).' : ''}`,
  tags: [operation.path.split('/')[2] ?? 'api'],
  parameters: [
    ...pathParameters(operation.path),
    ...(operation.method === 'GET' ? queryParameters(operation) : []),
    ...(operation.write
      ? [{ name: 'Idempotency-Key', in: 'header', required: true, description: 'Une clé par écriture voulue : la même clé renvoie la première réponse sans rien écrire.', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,128}$' } }]
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
    [operation.id === 'createSession' || operation.id === 'habilitateJuror' ? '201' : '200']: { description: 'Succès', content: { 'application/json': { schema: { type: 'object' } } } },
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

export const openApiDocument = () => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    paths[operation.path] = { ...(paths[operation.path] ?? {}), [operation.method.toLowerCase()]: operationObject(operation) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'tp-sessions — API des sessions du titre professionnel',
      version: '1.0.0',
      description:
        'Une route par commande du domaine et par requête des pages. Les écritures exigent une clé d’idempotence. Les erreurs sont en français, champ par champ. Les données personnelles (noms, dates de naissance, aménagements) ne sont lues que par les rôles qui en ont besoin.',
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
export const openApiText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;
