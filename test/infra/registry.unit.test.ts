import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/app.js';
import { functionDeclarations } from '../../functions/index.js';
import type { FunctionDeclaration } from '../../shared/platform/declarations.js';

const functionsDir = path.join(projectRoot, 'functions');
const functionFolders = readdirSync(functionsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(functionsDir, entry.name, 'function.ts')))
  .map((entry) => entry.name);

const isDeclaration = (value: unknown): value is FunctionDeclaration =>
  typeof value === 'object' && value !== null && 'name' in value && 'entry' in value && 'trigger' in value && 'resources' in value;

describe('the function registry (functions/index.ts)', () => {
  it.each(functionFolders)('lists the declaration of functions/%s/function.ts, so the stack and the offline runtime build it', async (folder) => {
    const module = (await import(pathToFileURL(path.join(functionsDir, folder, 'function.ts')).href)) as Record<string, unknown>;
    const declared = Object.values(module).filter(isDeclaration);
    expect(
      declared.map((d) => d.name),
      `functions/${folder}/function.ts exports no declaration named ${folder}`,
    ).toContain(folder);
    for (const declaration of declared) {
      expect(functionDeclarations, `functions/${folder}: add ${declaration.name} to functionDeclarations in functions/index.ts`).toContain(declaration);
    }
  });

  it('names each declared function after its folder and points its entry at an existing handler in that folder', () => {
    for (const declaration of functionDeclarations) {
      expect(functionFolders).toContain(declaration.name);
      expect(declaration.entry.startsWith(`functions/${declaration.name}/`), declaration.entry).toBe(true);
      expect(existsSync(path.join(projectRoot, declaration.entry)), declaration.entry).toBe(true);
    }
    expect(new Set(functionDeclarations.map((d) => d.name)).size).toBe(functionDeclarations.length);
  });

  it('finds the function folders to check (a test that scans nothing would prove nothing)', () => {
    expect(readdirSync(functionsDir)).toContain('index.ts');
    expect(functionFolders.length + functionDeclarations.length).toBeGreaterThan(0);
  });
});
