import { createDynamoClient } from '../aws/dynamo.js';
import { tokenVerifierOf, type TokenVerifier } from '../auth/verify.js';
import { defaultSettings } from '../domain/decider.js';
import { loadDirectory } from '../directory/directory.js';
import { DynamoEventStore } from '../eventStore/dynamoEventStore.js';
import { systemClock } from '../platform/clock.js';
import { onFirstUse } from '../platform/lazy.js';
import type { AuthConfig, Endpoints } from '../platform/config.js';
import { DynamoPersonalDataStore } from '../personalData/store.js';
import { DynamoViews } from '../views/dynamoViews.js';
import { CachedTitres } from '../application/titres.js';
import type { AppDeps } from '../application/useCase.js';
import type { HttpEvent, HttpResponse } from './event.js';

/**
 * The composition root of the HTTP functions: reads the environment once (a missing variable
 * fails the cold start naming it) and builds every adapter with its client. Called at module
 * scope by the handlers.
 */
export interface HttpWiring {
  readonly deps: AppDeps;
  readonly verify: TokenVerifier;
  /** Origin of the upload bucket, for the CSP's connect-src. */
  readonly uploadOrigin: string;
  /** A router that reads the recorded titres (at most once a minute) before each request. */
  withTitres(route: (event: HttpEvent) => Promise<HttpResponse>): (event: HttpEvent) => Promise<HttpResponse>;
}

export interface HttpNeeds {
  readonly tables: { readonly events: string; readonly views: string; readonly personalData: string };
  readonly buckets: { readonly uploads: string };
  readonly endpoints: Endpoints;
  readonly auth: AuthConfig;
  readonly env: NodeJS.ProcessEnv;
}

export const wireHttp = ({ tables, buckets, endpoints, auth, env }: HttpNeeds): HttpWiring => {
  const dynamo = createDynamoClient({ endpoint: endpoints.dynamodb });
  // The S3 client and the presigner load with the first PV upload, the only request that uses them.
  const pvUploads = onFirstUse(async () => {
    const [{ createS3Client }, { PvUploadLinks }] = await Promise.all([import('../aws/s3.js'), import('../vault/uploadLinks.js')]);
    return new PvUploadLinks(createS3Client({ endpoint: endpoints.s3 }), buckets.uploads);
  });
  const uploadOrigin = endpoints.s3 ? new URL(endpoints.s3).origin : `https://${buckets.uploads}.s3.${env.AWS_REGION || 'eu-west-3'}.amazonaws.com`;
  const views = new DynamoViews(dynamo, tables.views);
  const titres = new CachedTitres(views);
  return {
    deps: {
      store: new DynamoEventStore({ client: dynamo, tables }),
      views,
      personalData: new DynamoPersonalDataStore(dynamo, tables.personalData),
      pvUploads: { presign: async (request) => (await pvUploads()).presign(request) },
      clock: systemClock,
      settings: defaultSettings,
      get titres() {
        return titres.current;
      },
      titresRecorded: (recorded) => titres.remember(recorded),
      directory: loadDirectory(env),
    },
    verify: tokenVerifierOf(auth),
    uploadOrigin,
    withTitres: (route) => titres.serving(route),
  };
};
