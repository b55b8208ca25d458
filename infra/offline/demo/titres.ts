import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The titres of `npm start`: the sample of France Compétences' RNCP export shipped in
 * docs/samples/rncp/ (four titres professionnels and a BTS the import leaves out), imported through
 * the API as the regional direction under a fixed idempotency key, before the agréments that name
 * them. Importing again writes nothing: a titre that did not change records nothing.
 */
export const rncpSample = async (repositoryRoot: string): Promise<{ fiches: string; blocs: string }> => {
  const folder = join(repositoryRoot, 'docs', 'samples', 'rncp');
  return {
    fiches: await readFile(join(folder, 'export_fiches_CSV_Standard_echantillon.csv'), 'utf8'),
    blocs: await readFile(join(folder, 'export_fiches_CSV_Blocs_De_Competences_echantillon.csv'), 'utf8'),
  };
};

export const seedTitres = async (apiUrl: string, regionToken: string, files: { fiches: string; blocs: string }): Promise<void> => {
  const response = await fetch(`${apiUrl}/api/titres/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${regionToken}`, 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': 'seed-titres-echantillon-rncp' },
    body: JSON.stringify(files),
  });
  if (!response.ok) throw new Error(`Seeding the titres failed: ${response.status} ${await response.text()}`);
};
