import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import type { TokenClaims } from './principal.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from './verify.js';

/**
 * The offline identity provider: it stands in for Cognito. It signs tokens (RS256) carrying the
 * same claims Cognito's custom attributes give, for a fixed set of demo users, and publishes its
 * public key as a JWKS. Its key pair is generated on first start and kept in the data folder, so a
 * restart keeps every session cookie valid.
 */

/** A demo user of the offline sign-in page. */
export interface DemoUser {
  /** Short handle used by scripts and tests: `POST /local/token { "user": "centre" }`. */
  readonly handle: string;
  /** What the sign-in page shows (French). */
  readonly label: string;
  readonly claims: TokenClaims;
}

/**
 * One demo user per role, and a second centre in another department and region so that scope
 * checks can be seen failing.
 */
/** The demo juror: the local sign-in's `juror` user, habilitated under this id by `npm run demo`. */
export const DEMO_JUROR_ID = 'jur_claire-dupont';

export const demoUsers: readonly DemoUser[] = [
  {
    handle: 'centre',
    label: 'Responsable des sessions — Lyon Formation (centre agréé, Rhône)',
    claims: {
      sub: 'usr_centre-lyon',
      email: 'sessions@lyon-formation.example',
      'custom:role': 'centre',
      'custom:centreId': 'ctr_lyon-formation',
      'custom:centreName': 'Lyon Formation',
      'custom:department': '69',
      'custom:region': '84',
      'custom:displayName': 'Camille Martin (Lyon Formation)',
    },
  },
  {
    handle: 'centre2',
    label: 'Responsable des sessions — Grenoble Compétences (centre agréé, Isère)',
    claims: {
      sub: 'usr_centre-grenoble',
      email: 'sessions@grenoble-competences.example',
      'custom:role': 'centre',
      'custom:centreId': 'ctr_grenoble-competences',
      'custom:centreName': 'Grenoble Compétences',
      'custom:department': '38',
      'custom:region': '84',
      'custom:displayName': 'Jules Bernard (Grenoble Compétences)',
    },
  },
  {
    handle: 'ud',
    label: 'Agent de l’unité départementale du Rhône (DDETS 69)',
    claims: {
      sub: 'usr_ud-69',
      email: 'titres-pro@ddets-69.example',
      'custom:role': 'ud',
      'custom:department': '69',
      'custom:region': '84',
      'custom:displayName': 'Nadia Roux (UD 69)',
    },
  },
  {
    handle: 'region',
    label: 'Administrateur régional — Auvergne-Rhône-Alpes (DREETS)',
    claims: {
      sub: 'usr_region-84',
      email: 'titres-pro@dreets-ara.example',
      'custom:role': 'region',
      'custom:region': '84',
      'custom:displayName': 'Paul Lefèvre (DREETS ARA)',
    },
  },
  {
    handle: 'juror',
    label: 'Membre de jury habilité',
    claims: {
      sub: 'usr_jury-dupont',
      email: 'claire.dupont@jury.example',
      'custom:role': 'juror',
      'custom:jurorId': DEMO_JUROR_ID,
      'custom:department': '69',
      'custom:region': '84',
      'custom:displayName': 'Claire Dupont (jury)',
    },
  },
];

export const findDemoUser = (handle: string): DemoUser | undefined => demoUsers.find((user) => user.handle === handle);

/** Lifetime of a local token: a working day, like a Cognito id token refreshed by the hosted UI. */
export const LOCAL_TOKEN_TTL_SECONDS = 8 * 60 * 60;

export interface LocalIdentityProvider {
  readonly issuer: string;
  readonly audience: string;
  /** The public keys, as served at `/.well-known/jwks.json`. */
  readonly jwks: JSONWebKeySet;
  /** Signs a token for these claims, valid from `now` for `ttlSeconds`. */
  sign(claims: TokenClaims, options?: { now?: Date; ttlSeconds?: number }): Promise<string>;
}

interface StoredKey {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

const loadOrCreateKey = async (keyFile: string): Promise<StoredKey> => {
  try {
    return JSON.parse(await readFile(keyFile, 'utf8')) as StoredKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `local-${Date.now().toString(36)}`;
  const key: StoredKey = { kid, privateJwk: await exportJWK(privateKey), publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
  await mkdir(dirname(keyFile), { recursive: true });
  // Written then renamed, so that an interrupted first start never leaves half a key behind.
  await writeFile(`${keyFile}.tmp`, JSON.stringify(key), { mode: 0o600 });
  await rename(`${keyFile}.tmp`, keyFile);
  return key;
};

/**
 * Opens the local identity provider whose key pair lives in `keyFile` (created on first use).
 * Time comes from the caller so that tokens follow the movable clock.
 */
export const openLocalIdentityProvider = async (keyFile: string): Promise<LocalIdentityProvider> => {
  const stored = await loadOrCreateKey(keyFile);
  const privateKey = await importJWK(stored.privateJwk, 'RS256');
  return {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    jwks: { keys: [stored.publicJwk] },
    sign: async (claims, options = {}) => {
      const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
      const { sub, ...rest } = claims;
      return new SignJWT({ ...rest, token_use: 'id' })
        .setProtectedHeader({ alg: 'RS256', kid: stored.kid, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject(sub)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + (options.ttlSeconds ?? LOCAL_TOKEN_TTL_SECONDS))
        .sign(privateKey);
    },
  };
};
