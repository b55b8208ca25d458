import { mkdtempSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneCache } from '../../infra/offline/iam/template.js';

describe('the offline template cache', () => {
  it('keeps the newest templates and takes a file another test file pruned meanwhile as gone, not as an error (ENOENT failed a suite)', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tp-template-cache-'));
    for (let index = 0; index < 5; index += 1) {
      const file = join(directory, `t${index}.json`);
      writeFileSync(file, '{}');
      const at = new Date(Date.UTC(2026, 0, 1 + index));
      utimesSync(file, at, at);
    }
    // Listed by readdir, gone by the time of its stat: what a concurrent prune leaves behind.
    symlinkSync(join(directory, 'removed-meanwhile.json'), join(directory, 'vanished.json'));

    await pruneCache(directory, 3);

    expect(readdirSync(directory).sort()).toEqual(['t2.json', 't3.json', 't4.json', 'vanished.json']);
  });
});
