import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { functionDeclarations } from '../../functions/index.js';
import { HISTORY_PATHS } from '../../shared/history/http.js';
import { openApiDocument, openApiText } from '../../shared/http/openapi.js';
import { operations } from '../../shared/http/operations.js';

const routeKeys = functionDeclarations.flatMap((declaration) =>
  declaration.trigger.kind === 'http' ? declaration.trigger.routes.map((route) => `${route.method.toLowerCase()} ${route.path}`) : [],
);

describe('the OpenAPI document', () => {
  it('committed at docs/openapi.json is the one the schemas generate (run `npm run generate:openapi`)', async () => {
    const committed = await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
    expect(committed).toBe(openApiText(functionDeclarations));
  });

  it('describes every operation with its body schema, strict about unknown fields', () => {
    const document = openApiDocument(functionDeclarations);
    expect(document.openapi).toBe('3.1.0');
    for (const operation of operations) {
      const described = document.paths[operation.path]?.[operation.method.toLowerCase()] as {
        operationId: string;
        requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> };
      };
      expect(described.operationId).toBe(operation.id);
      if (operation.method === 'POST') expect(described.requestBody?.content['application/json']?.schema.additionalProperties).toBe(false);
    }
  });

  it('holds exactly the routes of every HTTP function declaration, the history API and the pages included', () => {
    const document = openApiDocument(functionDeclarations);
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual([...routeKeys].sort());
    expect(documented).toEqual(
      expect.arrayContaining([`get ${HISTORY_PATHS.api}`, `get ${HISTORY_PATHS.export}`, `get ${HISTORY_PATHS.timeline}`, 'get /ud', 'post /centre/sessions']),
    );
  });

  it('gives each route a French summary, and the history API its query string', () => {
    const document = openApiDocument(functionDeclarations);
    for (const item of Object.values(document.paths))
      for (const described of Object.values(item) as { summary: string }[]) expect(described.summary, JSON.stringify(described).slice(0, 120)).not.toMatch(/^\w+ (GET|POST) \//);
    const history = document.paths[HISTORY_PATHS.api]?.get as { parameters: { name: string }[] };
    expect(history.parameters.map((parameter) => parameter.name)).toEqual(
      expect.arrayContaining(['sessionId', 'centreId', 'department', 'region', 'type', 'from', 'to', 'cursor']),
    );
  });

  it('documents the PV download of the timeline as a redirect, or a French page when the file is gone, not as a page', () => {
    const download = openApiDocument(functionDeclarations).paths[HISTORY_PATHS.pv]?.get as { responses: Record<string, unknown> };
    expect(Object.keys(download.responses).sort()).toEqual(['302', '400', '401', '403', '404', '410']);
  });
});
