import { describe, expect, it } from 'vitest';
import { CachedTitres } from '../../shared/application/titres.js';
import type { TitreView } from '../../shared/views/index.js';
import { sampleTitres } from '../support/titres.js';

/** A views reader whose list of titres the test sets, counting its reads. */
const viewsOf = () => {
  const state = { titres: [] as TitreView[], reads: 0 };
  return {
    state,
    views: {
      listTitres: async () => {
        state.reads += 1;
        return state.titres;
      },
    },
  };
};

const view = (index: number): TitreView => {
  const { code, label, ccps, validUntil, revisedOn } = sampleTitres[index] ?? sampleTitres[0]!;
  return { kind: 'titre', code, label, ccps, validUntil, ...(revisedOn ? { revisedOn } : {}), revisions: [], source: 'rncp', recordedOn: '2026-12-01', version: 1 };
};

describe('the catalogue of titres an HTTP function decides with', () => {
  it('reads the views at most once a minute, but reads again while they hold no titre yet', async () => {
    const { state, views } = viewsOf();
    let now = 0;
    const titres = new CachedTitres(views, 60_000, () => now);
    await titres.refresh();
    await titres.refresh();
    expect(state.reads).toBe(2);
    state.titres = [view(0)];
    await titres.refresh();
    now = 59_999;
    await titres.refresh();
    expect(state.reads).toBe(3);
    expect(Object.keys(titres.current)).toEqual(['RNCP37674']);
    state.titres = [view(0), view(1)];
    now = 60_000;
    await titres.refresh();
    expect(Object.keys(titres.current)).toEqual(['RNCP37674', 'RNCP37873']);
  });

  it('keeps a titre this container just recorded while the views do not have it yet', async () => {
    const { state, views } = viewsOf();
    const titres = new CachedTitres(views, 0);
    state.titres = [view(0)];
    titres.remember([sampleTitres[2]!]);
    await titres.refresh();
    expect(Object.keys(titres.current).sort()).toEqual(['RNCP37274', 'RNCP37674']);
  });
});
