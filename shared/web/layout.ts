import type { Principal } from '../auth/principal.js';
import { html, type Html, type Renderable } from './html.js';
import { signOutPath } from '../auth/hostedUi.js';

export interface PageOptions {
  readonly title: string;
  readonly principal?: Principal | undefined;
  readonly body: Renderable;
  /** Short French notice after a successful form post (from the `?ok=` of the redirect). */
  readonly notice?: string | undefined;
  /** Scripts served by the app itself (the CSP refuses anything else). */
  readonly scripts?: readonly string[];
  readonly breadcrumb?: readonly { readonly href: string; readonly label: string }[];
  /** The page's path (or path template): the menu marks the entry it falls under as the current one. */
  readonly path?: string;
}

const navigationFor = (principal: Principal | undefined): { href: string; label: string }[] => {
  switch (principal?.actor.role) {
    case 'centre':
      return [
        { href: '/centre', label: 'Tableau de bord' },
        { href: '/centre/programme', label: 'Programmation annuelle' },
        // The session is created in CERES; here it is recorded, as the page's heading says.
        { href: '/centre/sessions/nouvelle', label: 'Enregistrer une session' },
      ];
    case 'ud':
      return [
        { href: '/ud', label: 'Tableau de bord' },
        // Not under /ud/sessions: a session's page stays under the dashboard, as its breadcrumb says.
        { href: '/ud/sessions-du-departement', label: 'Sessions' },
        { href: '/ud/jures', label: 'Habilitations' },
        { href: '/ud/retards', label: 'Centres en retard' },
        { href: '/agrements', label: 'Agréments' },
      ];
    case 'region':
      return [
        { href: '/region/sessions', label: 'Sessions de la région' },
        { href: '/agrements', label: 'Agréments' },
        { href: '/titres', label: 'Titres' },
      ];
    case 'juror':
      return [{ href: '/jure', label: 'Mes convocations' }];
    default:
      return [];
  }
};

/** The menu entry a path falls under: the same path, or else the longest entry it starts with (a session under the dashboard). */
const currentEntry = (nav: readonly { href: string }[], path: string | undefined): string | undefined =>
  path === undefined
    ? undefined
    : nav
        .map((item) => item.href)
        .filter((href) => path === href || path.startsWith(`${href}/`))
        .sort((a, b) => b.length - a.length)[0];

/** The page shell: skip link, header with the service name and the user, navigation, main, footer. */
export const layout = (options: PageOptions): Html => {
  const nav = navigationFor(options.principal);
  const current = currentEntry(nav, options.path);
  return html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} — Sessions du titre professionnel</title>
        <link rel="stylesheet" href="/static/app.css" />
        ${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
      </head>
      <body>
        <a class="skip" href="#contenu">Aller au contenu</a>
        <header class="site">
          <div class="wrap">
            <p class="brand"><a href="/">Sessions du titre professionnel</a><span>Ministère chargé de l’emploi</span></p>
            ${options.principal ? html`<p class="user">${options.principal.displayName} · <a href="${signOutPath()}">Se déconnecter</a></p>` : ''}
          </div>
          ${
            nav.length > 0
              ? html`<nav aria-label="Navigation principale">
                  <ul class="wrap">
                    ${nav.map((item) => html`<li><a href="${item.href}" ${item.href === current ? html` aria-current="page"` : ''}>${item.label}</a></li>`)}
                  </ul>
                </nav>`
              : ''
          }
        </header>
        <main id="contenu" class="wrap" tabindex="-1">
          ${
            options.breadcrumb
              ? html`<nav aria-label="Fil d’Ariane" class="breadcrumb">
                  <ol>
                    ${options.breadcrumb.map((item) => html`<li><a href="${item.href}">${item.label}</a></li>`)}
                    <li aria-current="page">${options.title}</li>
                  </ol>
                </nav>`
              : ''
          }
          <h1>${options.title}</h1>
          ${options.notice ? html`<div class="notice" role="status">${options.notice}</div>` : ''} ${options.body}
        </main>
        <footer class="site">
          <div class="wrap"><p>Les résultats ne sont officiels qu’après validation du procès-verbal par l’unité départementale.</p></div>
        </footer>
      </body>
    </html>`;
};
