import { HOSTED_UI_PATHS } from '../../shared/auth/hostedUi.js';
import { defineFunction } from '../../shared/platform/declarations.js';

/** Sign-in of the pages through Cognito's hosted UI (AWS); offline it hands over to the local sign-in. */
export const signIn = defineFunction({
  name: 'signIn',
  entry: 'functions/signIn/handler.ts',
  description: 'Connexion aux pages par l’interface hébergée de Cognito (code + PKCE), cookie de session.',
  trigger: {
    kind: 'http',
    routes: [
      { method: 'GET', path: HOSTED_UI_PATHS.signIn, public: true, summary: 'Connexion : renvoie vers l’interface hébergée de Cognito (code + PKCE)' },
      { method: 'GET', path: HOSTED_UI_PATHS.callback, public: true, summary: 'Retour de Cognito : échange le code, pose le cookie de session' },
      { method: 'GET', path: HOSTED_UI_PATHS.signOut, public: true, summary: 'Déconnexion : efface le cookie et la session Cognito' },
    ],
  },
  resources: {},
  timeoutSeconds: 10,
  memoryMb: 256,
});
