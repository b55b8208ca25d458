import { describe, expect, it } from 'vitest';
import { builtOnAccess, onFirstUse, once } from '../../shared/platform/lazy.js';

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

describe('builtOnAccess', () => {
  it('builds each member on its first read only, once, and lists every member before any is built', () => {
    const builds: string[] = [];
    const table = builtOnAccess({
      a: () => {
        builds.push('a');
        return { name: 'a' };
      },
      b: () => {
        builds.push('b');
        return { name: 'b' };
      },
    });
    expect(Object.keys(table)).toEqual(['a', 'b']);
    expect(builds).toEqual([]);
    const first = table.a;
    expect(table.a).toBe(first);
    expect(builds).toEqual(['a']);
    // Once built, a member is a plain value that cannot be replaced.
    expect(Object.getOwnPropertyDescriptor(table, 'a')).toMatchObject({ value: first, writable: false, enumerable: true });
    expect(() => Object.assign(table, { a: { name: 'other' } })).toThrow(TypeError);
    expect(table.b.name).toBe('b');
    expect(builds).toEqual(['a', 'b']);
  });

  it('does not keep a failed build: the next read tries again', () => {
    let attempts = 0;
    const table = builtOnAccess({
      flaky: () => {
        attempts += 1;
        if (attempts === 1) throw new Error('broken');
        return 'ready';
      },
    });
    expect(() => table.flaky).toThrow('broken');
    expect(table.flaky).toBe('ready');
    expect(attempts).toBe(2);
  });
});

describe('builtOnAccess and once, on a builder that depends on itself', () => {
  it('refuse it with an error naming the member, and build it once the cycle is gone', () => {
    let cyclic = true;
    const table: { readonly a: number; readonly b: number } = builtOnAccess({
      a: (): number => (cyclic ? table.b + 1 : 1),
      b: (): number => table.a + 1,
    });
    expect(() => table.a).toThrow('a is read while it is being built');
    cyclic = false;
    expect(table.b).toBe(2);
    expect(table.a).toBe(1);

    let builds = 0;
    const value: () => number = once(() => {
      builds += 1;
      return builds === 1 ? value() : 7;
    });
    expect(() => value()).toThrow('being built');
    expect(value()).toBe(7);
    expect(value()).toBe(7);
    expect(builds).toBe(2);
  });
});

describe('once', () => {
  it('builds on the first call only, and keeps a built undefined too', () => {
    let builds = 0;
    const value = once(() => {
      builds += 1;
      return builds === 1 ? undefined : 'again';
    });
    expect(builds).toBe(0);
    expect(value()).toBeUndefined();
    expect(value()).toBeUndefined();
    expect(builds).toBe(1);
  });
});
