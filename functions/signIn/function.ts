import { HOSTED_UI_PATHS } from '../../shared/auth/hostedUi.js';
import { defineFunction } from '../../shared/platform/declarations.js';

/** Sign-in of the pages through Cognito's hosted UI (AWS); offline it hands over to the local sign-in. */
export const signIn = defineFunction({
  name: 'signIn',
  entry: 'functions/signIn/handler.ts',
  description: 'Connexion aux pages par l’interface hébergée de Cognito (code + PKCE), cookie de session.',
  trigger: {
    kind: 'http',
    routes: Object.values(HOSTED_UI_PATHS).map((path) => ({ method: 'GET' as const, path, public: true })),
  },
  resources: {},
  timeoutSeconds: 10,
  memoryMb: 256,
});
