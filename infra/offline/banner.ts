import { demoUsers } from '../../shared/auth/localIdp.js';
import type { OfflineRuntime } from './runtime.js';

/** The short banner `npm start` prints once everything answers. */
export const banner = (runtime: OfflineRuntime, now: Date, startedInMs: number): string => {
  const count = (kind: string) => runtime.functions.filter((f) => f.trigger.kind === kind).length;
  const paris = now.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' });
  return [
    '',
    `  tp-sessions — hors ligne, prêt en ${(startedInMs / 1000).toFixed(1)} s`,
    '',
    `  Application     ${runtime.urls.app}`,
    `  Connexion       ${runtime.urls.app}/connexion  (sans mot de passe : ${demoUsers.map((u) => u.handle).join(', ')})`,
    `  Boîte mail      ${runtime.urls.mailbox}`,
    `  Horloge         ${runtime.urls.app}/local/horloge  (administrateur régional) — ${paris}`,
    `  Données         ${runtime.dataDir}  (npm start -- --fresh pour repartir de zéro)`,
    `  Fonctions       ${runtime.functions.length} : ${count('http')} HTTP, ${count('stream')} flux, ${count('schedule')} planifiées, ${count('s3')} S3, ${count('queue')} file`,
    '',
    '  Ctrl-C pour arrêter.',
    '',
  ].join('\n');
};
