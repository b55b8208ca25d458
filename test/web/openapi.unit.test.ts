import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openApiDocument, openApiText } from '../../shared/http/openapi.js';
import { operations } from '../../shared/http/operations.js';

describe('the OpenAPI document', () => {
  it('committed at docs/openapi.json is the one the schemas generate (run `npm run generate:openapi`)', async () => {
    const committed = await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
    expect(committed).toBe(openApiText());
  });

  it('describes every operation with its body schema, strict about unknown fields', () => {
    const document = openApiDocument();
    expect(document.openapi).toBe('3.1.0');
    for (const operation of operations) {
      const described = document.paths[operation.path]?.[operation.method.toLowerCase()] as { operationId: string; requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> } };
      expect(described.operationId).toBe(operation.id);
      if (operation.method === 'POST') expect(described.requestBody?.content['application/json']?.schema.additionalProperties).toBe(false);
    }
  });
});
