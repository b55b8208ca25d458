import type { IncomingMessage, ServerResponse } from 'node:http';
import { demoUsers, findDemoUser, LOCAL_TOKEN_TTL_SECONDS, type LocalIdentityProvider } from '../../shared/auth/localIdp.js';
import type { TokenClaims } from '../../shared/auth/principal.js';
import { bearerToken, JWKS_PATH, SESSION_COOKIE, sessionTokenFromCookies, type TokenVerifier } from '../../shared/auth/verify.js';
import { readBody, RUNTIME_ANSWER_HEADER, sendJson } from './httpApi.js';

/**
 * What the offline runtime serves itself, beside the declared routes: the local identity provider
 * (JWKS, sign-in and sign-out pages, a token endpoint for scripts) and the clock control. None of it
 * exists in AWS, where Cognito's hosted UI signs people in.
 */
interface ClockControl {
  now(): Date;
  /** Moves the clock forward and fires the schedules that became due; returns what fired. */
  moveTo(target: Date): Promise<readonly { readonly functionName: string; readonly at: string }[]>;
}

export interface LocalPagesOptions {
  readonly idp: LocalIdentityProvider;
  readonly verify: TokenVerifier;
  readonly clock: ClockControl;
  /** Whether a declared function serves `GET /` (otherwise the runtime shows a small home page). */
  readonly hasHome: boolean;
  readonly mailboxUrl: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const page = (title: string, main: string) => `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — tp-sessions (hors ligne)</title>
<style>
body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
fieldset{border:1px solid #767676;padding:1rem}label{display:block;margin:.4rem 0}
button{font:inherit;padding:.5rem 1rem;margin-top:1rem;background:#000091;color:#fff;border:0;cursor:pointer}
button:focus,input:focus,a:focus{outline:3px solid #0a76f6;outline-offset:2px}
.note{color:#3a3a3a;font-size:.95rem}
</style>
</head>
<body>
<header><p><a href="/">tp-sessions</a> — environnement local, sans compte AWS</p></header>
<main id="contenu">
${main}
</main>
</body>
</html>`;

const sendHtml = (response: ServerResponse, statusCode: number, html: string, headers: Record<string, string | string[]> = {}) => {
  response.writeHead(statusCode, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), [RUNTIME_ANSWER_HEADER]: 'local-page', ...headers });
  response.end(html);
};

const redirect = (response: ServerResponse, location: string, headers: Record<string, string | string[]> = {}) => {
  response.writeHead(303, { location, 'content-length': '0', [RUNTIME_ANSWER_HEADER]: 'local-page', ...headers });
  response.end();
};

/** Only a path of this site: never an open redirect. */
const safeReturn = (value: string | null | undefined): string => (value && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : '/');

const sessionCookie = (token: string) => `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${LOCAL_TOKEN_TTL_SECONDS}`;
const clearedCookie = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

const signInPage = (returnTo: string, error?: string) =>
  page(
    'Connexion',
    `<h1>Connexion (environnement local)</h1>
<p class="note">Hors ligne, la connexion ne demande pas de mot de passe : choisissez un utilisateur de démonstration. En production, c’est Amazon Cognito qui vous identifie.</p>
${error ? `<p role="alert"><strong>${escapeHtml(error)}</strong></p>` : ''}
<form method="post" action="/connexion">
<input type="hidden" name="retour" value="${escapeHtml(returnTo)}">
<fieldset>
<legend>Se connecter en tant que</legend>
${demoUsers
  .map(
    (user, index) =>
      `<label><input type="radio" name="utilisateur" value="${escapeHtml(user.handle)}"${index === 0 ? ' checked' : ''}> ${escapeHtml(user.label)} <span class="note">(${escapeHtml(user.claims['custom:displayName'] ?? user.handle)})</span></label>`,
  )
  .join('\n')}
</fieldset>
<button type="submit">Se connecter</button>
</form>`,
  );

const homePage = (claims: TokenClaims | undefined, mailboxUrl: string) =>
  page(
    'Accueil',
    `<h1>tp-sessions, en local</h1>
${claims ? `<p>Connecté : ${escapeHtml(claims['custom:displayName'] ?? claims.sub)}. <a href="/deconnexion">Se déconnecter</a></p>` : '<p><a href="/connexion">Se connecter</a></p>'}
<ul>
<li><a href="${escapeHtml(mailboxUrl)}">Boîte aux lettres locale</a> : tous les courriels envoyés</li>
<li><a href="/local/horloge">Horloge</a> (administrateur régional) : avancer le temps pour voir les échéances</li>
</ul>`,
  );

const clockPage = (now: Date, fired?: readonly { functionName: string; at: string }[], error?: string) =>
  page(
    'Horloge',
    `<h1>Horloge du système</h1>
<p>Date et heure du système : <strong>${escapeHtml(now.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' }))}</strong> (Europe/Paris).</p>
${error ? `<p role="alert"><strong>${escapeHtml(error)}</strong></p>` : ''}
${
  fired
    ? `<h2>Tâches planifiées exécutées</h2>${fired.length === 0 ? '<p>Aucune tâche n’était due.</p>' : `<ul>${fired.map((f) => `<li>${escapeHtml(f.functionName)} — ${escapeHtml(new Date(f.at).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' }))}</li>`).join('')}</ul>`}`
    : ''
}
<form method="post" action="/local/horloge">
<label for="jusqua">Avancer l’horloge jusqu’au (date, heure de Paris)</label>
<input id="jusqua" name="jusqua" type="datetime-local" required value="${escapeHtml(now.toISOString().slice(0, 16))}">
<button type="submit">Avancer l’horloge</button>
</form>
<p class="note">L’horloge n’avance que vers le futur. Les tâches planifiées (échéances, relances) dues entre-temps s’exécutent une fois par jour chacune, dans l’ordre.</p>`,
  );

/** Parses `2027-01-20` (that morning, 08:00 UTC), `2027-01-20T09:30` (Paris wall time, as the form sends it) or a full ISO instant. */
const parseClockTarget = (value: string): Date | undefined => {
  const trimmed = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return new Date(`${trimmed}T08:00:00Z`);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(trimmed)) {
    const asUtc = new Date(`${trimmed}Z`);
    // The form gives Paris wall time: shift by Paris's offset at that time.
    const paris = new Date(asUtc.toLocaleString('en-US', { timeZone: 'Europe/Paris' }));
    const utc = new Date(asUtc.toLocaleString('en-US', { timeZone: 'UTC' }));
    return new Date(asUtc.getTime() - (paris.getTime() - utc.getTime()));
  }
  const date = new Date(trimmed);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/**
 * Serves the runtime's own pages. Returns false when the request is not for one of them, so the
 * declared routes take it.
 */
export const createLocalPages = (options: LocalPagesOptions) => {
  const { idp, verify, clock } = options;

  const claimsOf = async (request: IncomingMessage): Promise<TokenClaims | undefined> => {
    const token = bearerToken(request.headers.authorization) ?? sessionTokenFromCookies(request.headers.cookie);
    if (!token) return undefined;
    try {
      return await verify(token);
    } catch {
      return undefined;
    }
  };

  const form = async (request: IncomingMessage) => new URLSearchParams((await readBody(request, 64 * 1024)).toString('utf8'));

  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const route = `${method} ${url.pathname}`;
    switch (route) {
      case `GET ${JWKS_PATH}`:
        sendJson(response, 200, idp.jwks, { [RUNTIME_ANSWER_HEADER]: 'local-page' });
        return true;
      case 'GET /connexion':
        sendHtml(response, 200, signInPage(safeReturn(url.searchParams.get('retour'))));
        return true;
      case 'POST /connexion': {
        const body = await form(request);
        const user = findDemoUser(body.get('utilisateur') ?? '');
        const returnTo = safeReturn(body.get('retour'));
        if (!user) {
          sendHtml(response, 400, signInPage(returnTo, 'Choisissez un utilisateur de démonstration dans la liste.'));
          return true;
        }
        redirect(response, returnTo, { 'set-cookie': sessionCookie(await idp.sign(user.claims)) });
        return true;
      }
      case 'GET /deconnexion':
      case 'POST /deconnexion':
        redirect(response, '/connexion', { 'set-cookie': clearedCookie });
        return true;
      case 'POST /local/token': {
        const raw = (await readBody(request, 64 * 1024)).toString('utf8');
        let handle: string;
        try {
          const parsed = JSON.parse(raw) as { user?: unknown };
          handle = typeof parsed.user === 'string' ? parsed.user : '';
        } catch {
          handle = '';
        }
        const user = findDemoUser(handle);
        if (!user) {
          sendJson(response, 400, { message: `Utilisateur inconnu. Choix : ${demoUsers.map((u) => u.handle).join(', ')}` }, { [RUNTIME_ANSWER_HEADER]: 'local-page' });
          return true;
        }
        sendJson(response, 200, { token: await idp.sign(user.claims), claims: user.claims }, { [RUNTIME_ANSWER_HEADER]: 'local-page' });
        return true;
      }
      case 'GET /local/clock':
        sendJson(response, 200, { now: clock.now().toISOString() }, { [RUNTIME_ANSWER_HEADER]: 'local-page' });
        return true;
      case 'POST /local/clock': {
        const claims = await claimsOf(request);
        if (!claims) {
          sendJson(response, 401, { message: 'Unauthorized' }, { [RUNTIME_ANSWER_HEADER]: 'unauthorized' });
          return true;
        }
        if (claims['custom:role'] !== 'region') {
          sendJson(response, 403, { message: 'Seul un administrateur régional peut déplacer l’horloge.' }, { [RUNTIME_ANSWER_HEADER]: 'forbidden' });
          return true;
        }
        let target: Date | undefined;
        try {
          const parsed = JSON.parse((await readBody(request, 64 * 1024)).toString('utf8')) as { to?: unknown };
          target = typeof parsed.to === 'string' ? parseClockTarget(parsed.to) : undefined;
        } catch {
          target = undefined;
        }
        if (!target) {
          sendJson(response, 400, { message: 'Indiquez la date cible : { "to": "2027-01-20" }.' }, { [RUNTIME_ANSWER_HEADER]: 'local-page' });
          return true;
        }
        if (target.getTime() < clock.now().getTime()) {
          sendJson(response, 422, { message: 'L’horloge n’avance que vers le futur.' }, { [RUNTIME_ANSWER_HEADER]: 'local-page' });
          return true;
        }
        const fired = await clock.moveTo(target);
        sendJson(response, 200, { now: clock.now().toISOString(), fired }, { [RUNTIME_ANSWER_HEADER]: 'local-page' });
        return true;
      }
      case 'GET /local/horloge':
      case 'POST /local/horloge': {
        const claims = await claimsOf(request);
        if (!claims) {
          redirect(response, `/connexion?retour=${encodeURIComponent('/local/horloge')}`);
          return true;
        }
        if (claims['custom:role'] !== 'region') {
          sendHtml(
            response,
            403,
            page(
              'Accès refusé',
              '<h1>Accès refusé</h1><p>Seul un administrateur régional peut déplacer l’horloge. <a href="/connexion?retour=/local/horloge">Changer d’utilisateur</a></p>',
            ),
          );
          return true;
        }
        if (method === 'GET') {
          sendHtml(response, 200, clockPage(clock.now()));
          return true;
        }
        const target = parseClockTarget((await form(request)).get('jusqua') ?? '');
        if (!target || target.getTime() < clock.now().getTime()) {
          sendHtml(response, 422, clockPage(clock.now(), undefined, 'Choisissez une date valide, postérieure à la date actuelle du système.'));
          return true;
        }
        const fired = await clock.moveTo(target);
        sendHtml(response, 200, clockPage(clock.now(), fired));
        return true;
      }
      case 'GET /':
        if (options.hasHome) return false;
        sendHtml(response, 200, homePage(await claimsOf(request), options.mailboxUrl));
        return true;
      default:
        return false;
    }
  };
};
