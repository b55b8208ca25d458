import type { Context } from 'aws-lambda';
import type { Actor, DomainEvent, EventScope, StoredEvent } from '../../events/index.js';
import { demoUsers } from '../../shared/auth/localIdp.js';
import type { TokenClaims } from '../../shared/auth/principal.js';
import type { EventStore } from '../../shared/eventStore/port.js';
import type { HttpEvent } from '../../shared/http/event.js';

/** History test data: four centres in three departments and two regions, two sessions each. */

export const cursorSecret = 'history-test-cursor-secret-0123456789';

export const centres = {
  lyon: { centreId: 'ctr_lyon-formation', department: '69', region: '84' },
  villeurbanne: { centreId: 'ctr_villeurbanne', department: '69', region: '84' },
  grenoble: { centreId: 'ctr_grenoble-competences', department: '38', region: '84' },
  paris: { centreId: 'ctr_paris-metiers', department: '75', region: '11' },
} as const satisfies Record<string, Required<EventScope>>;
export type CentreName = keyof typeof centres;

const claimsOf = (handle: string): TokenClaims => {
  const user = demoUsers.find((candidate) => candidate.handle === handle);
  if (!user) throw new Error(`no demo user ${handle}`);
  return user.claims;
};

/** The offline demo users (centre = Lyon, centre2 = Grenoble, ud = 69, region = 84, juror) and a few more. */
export const readers = {
  centreLyon: claimsOf('centre'),
  centreGrenoble: claimsOf('centre2'),
  ud69: claimsOf('ud'),
  region84: claimsOf('region'),
  juror: claimsOf('juror'),
  ud75: { sub: 'usr_ud-75', 'custom:role': 'ud', 'custom:department': '75', 'custom:region': '11' },
  region11: { sub: 'usr_region-11', 'custom:role': 'region', 'custom:region': '11' },
} satisfies Record<string, TokenClaims>;
export type ReaderName = keyof typeof readers;

export const actorOf = (centre: CentreName): Actor => ({ role: 'centre', id: `usr_${centre}`, scope: { centreId: centres[centre].centreId } });
export const udActor = (department: string): Actor => ({ role: 'ud', id: `usr_ud-${department}`, scope: { department } });

export const sessionIdOf = (centre: CentreName, n: number) => `ses_${centre}-${n}`;

const cycle = (n: number, candidate: string): DomainEvent => {
  switch (n % 4) {
    case 0:
      return { type: 'CandidateRegistered', data: { candidateId: candidate } };
    case 1:
      return { type: 'CandidateWithdrawn', data: { candidateId: candidate, reason: 'Déménagement de Mme Durand' } };
    case 2:
      return { type: 'FraudReported', data: { candidateId: candidate, reportedBy: 'jury', reportedOn: '2027-03-01', facts: 'M. Martin avait un téléphone.' } };
    default:
      return { type: 'PVValidated', data: { validatedOn: '2027-03-02', pvRevision: 1 } };
  }
};

/**
 * Appends `commits` commits of 1 to 3 events to each of two sessions per centre, alternating
 * centre and UD actors; returns every stored event. The store's clock should move on between
 * commits so that time ranges select something.
 */
export const seedHistory = async (store: EventStore, commits = 6): Promise<StoredEvent[]> => {
  const all: StoredEvent[] = [];
  let n = 0;
  for (let round = 0; round < commits; round += 1) {
    for (const name of Object.keys(centres) as CentreName[]) {
      for (const session of [1, 2]) {
        const streamId = `session-${sessionIdOf(name, session)}`;
        const events = Array.from({ length: 1 + (n % 3) }, (_, i) => cycle(n + i, `cand_${name}-${session}-${round}-${i}`));
        n += 1;
        const current = await store.readStream(streamId);
        const result = await store.append(streamId, current.version, events, {
          actor: round % 3 === 2 ? udActor(centres[name].department) : actorOf(name),
          scope: centres[name],
          correlationId: `corr-${n}`,
          causationId: `cause-${n}`,
          occurredAt: new Date(Date.UTC(2027, 2, 1, 9, n)),
        });
        all.push(...result.events);
      }
    }
  }
  return all;
};

/** An API Gateway payload 2.0 request as the JWT authorizer hands it over. */
export const apiRequest = (path: string, query: Record<string, string>, claims?: TokenClaims, headers: Record<string, string> = {}): HttpEvent =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { accept: 'application/json', ...headers },
    queryStringParameters: query,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      ...(claims ? { authorizer: { jwt: { claims: { ...claims }, scopes: null } } } : {}),
    },
  }) as HttpEvent;

export const lambdaContext = {} as Context;
