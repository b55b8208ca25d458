import { titreCatalogue, type Titre, type TitreCatalogue } from '../domain/titres.js';
import type { TitreView, ViewsReader } from '../views/index.js';

/**
 * The catalogue of titres the HTTP functions decide with: the recorded titres (views), read at most
 * once a minute per container, before a request is handled (`refresh`), then read synchronously by
 * the deciders and pages for that request (`current`). A container handles one request at a time,
 * so a request sees one catalogue from start to end; an import made here is seen at once (`remember`).
 */
export class CachedTitres {
  private catalogue: TitreCatalogue = {};
  private loadedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly views: Pick<ViewsReader, 'listTitres'>,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A request handler that reads the titres (when due) before each request. */
  serving<TEvent, TResponse>(handle: (event: TEvent) => Promise<TResponse>): (event: TEvent) => Promise<TResponse> {
    return async (event) => {
      await this.refresh();
      return handle(event);
    };
  }

  get current(): TitreCatalogue {
    return this.catalogue;
  }

  async refresh(): Promise<TitreCatalogue> {
    if (this.now() - this.loadedAt < this.ttlMs) return this.catalogue;
    const recorded = (await this.views.listTitres()).map(titreOfView);
    this.catalogue = { ...this.catalogue, ...titreCatalogue(recorded) };
    // An empty list is read again at the next request: the projector may not have written the first import yet.
    if (recorded.length > 0) this.loadedAt = this.now();
    return this.catalogue;
  }

  /**
   * Titres this container just recorded: decided with at once, before the projector has written
   * them to the views (the next read, a minute later at most, finds them there).
   */
  remember(titres: readonly Titre[]): void {
    this.catalogue = { ...this.catalogue, ...titreCatalogue(titres) };
  }
}

const titreOfView = (view: TitreView) => ({
  code: view.code,
  label: view.label,
  ccps: view.ccps,
  validUntil: view.validUntil,
  ...(view.revisedOn ? { revisedOn: view.revisedOn } : {}),
});
