/**
 * The agréments of the local sign-in's two demo centres (shared/auth/localIdp.ts), as the regional
 * direction records them (`POST /api/agrements`): `npm start` seeds them, so that a newcomer signed
 * in as a centre can record a session in the first minute. Every sample titre, 2026 to 2031.
 */
export interface AgrementInput {
  readonly centreId: string;
  readonly centreName: string;
  readonly email: string;
  readonly department: string;
  readonly titreCodes: readonly string[];
  readonly sites: readonly string[];
  readonly validFrom: string;
  readonly validUntil: string;
}

/** The titres of the RNCP sample that `npm start` imports first (infra/offline/demo/titres.ts). */
const allSampleTitres = ['RNCP37674', 'RNCP37873', 'RNCP37274', 'RNCP37275'];

export const demoAgrements: readonly AgrementInput[] = [
  {
    centreId: 'ctr_lyon-formation',
    centreName: 'Lyon Formation',
    email: 'accueil@lyon-formation.example',
    department: '69',
    titreCodes: allSampleTitres,
    sites: ['Lyon 7e', 'Lyon 3e, Part-Dieu', 'Villeurbanne'],
    validFrom: '2026-01-01',
    validUntil: '2031-12-31',
  },
  {
    centreId: 'ctr_grenoble-competences',
    centreName: 'Grenoble Compétences',
    email: 'contact@grenoble-competences.example',
    department: '38',
    titreCodes: allSampleTitres,
    sites: ['Grenoble', 'Échirolles'],
    validFrom: '2026-01-01',
    validUntil: '2031-12-31',
  },
];

/**
 * Records agréments through the API as the regional direction, each under a fixed idempotency key:
 * seeding again (every `npm start`) answers with the first recording and writes nothing.
 */
export const seedAgrements = async (apiUrl: string, regionToken: string, agrements: readonly AgrementInput[] = demoAgrements): Promise<void> => {
  for (const agrement of agrements) {
    const response = await fetch(`${apiUrl}/api/agrements`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${regionToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'idempotency-key': `seed-agrement-${agrement.centreId}`,
      },
      body: JSON.stringify(agrement),
    });
    // 409: recorded by hand since (a withdrawal and a new agrément): left as the user made it.
    if (!response.ok && response.status !== 409) throw new Error(`Seeding the agrément of ${agrement.centreId} failed: ${response.status} ${await response.text()}`);
  }
};
