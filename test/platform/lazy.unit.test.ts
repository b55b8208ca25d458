import { describe, expect, it } from 'vitest';
import { onFirstUse } from '../../shared/platform/lazy.js';

describe('onFirstUse', () => {
  it('builds nothing until first asked, then builds once for every caller, concurrent ones included', async () => {
    let builds = 0;
    const client = onFirstUse(async () => ({ id: ++builds }));
    expect(builds).toBe(0);
    const [a, b] = await Promise.all([client(), client()]);
    expect(await client()).toBe(a);
    expect(b).toBe(a);
    expect(builds).toBe(1);
  });

  it('does not keep a failed build: the next use tries again', async () => {
    let attempts = 0;
    const client = onFirstUse(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('module failed to load');
      return 'ready';
    });
    await expect(client()).rejects.toThrow('module failed to load');
    await expect(client()).resolves.toBe('ready');
    expect(attempts).toBe(2);
  });
});
