import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Stack traces that name the TypeScript sources, at no cold-start cost.
 *
 * Node's `--enable-source-maps` parses the source map of every module as it loads: 9 to 12 ms of
 * each cold start here (issue 16). Instead, a chunk's map (`<chunk>.mjs.map`, written beside it by
 * infra/bundling.ts) is read the first time a stack trace passes through that chunk, which is when
 * an error is logged, and kept for the next ones. A frame whose file has no map beside it is left
 * as V8 wrote it.
 */
const maps = new Map<string, SourceMap | undefined>();

const mapOf = (file: string): SourceMap | undefined => {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
    } catch {
      map = undefined;
    }
    maps.set(file, map);
  }
  return maps.get(file);
};

interface Mapped {
  readonly location: string;
  readonly source: string;
  /** The original name of the identifier at that position, when the map has one. */
  readonly name?: string | undefined;
}

/** Where a frame's position comes from in the sources (`/shared/http/edge.ts:54:9` in Lambda), if its chunk has a map. */
const mappedOf = (site: NodeJS.CallSite): Mapped | undefined => {
  const fileName = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!fileName || line === null || column === null || !/\.mjs$/.test(fileName)) return undefined;
  const file = fileName.startsWith('file://') ? fileURLToPath(fileName) : fileName;
  const entry = mapOf(file)?.findEntry(line - 1, column - 1);
  if (!entry || !('originalSource' in entry)) return undefined;
  // The map names sources relative to the chunk, as they were when it was built (the package keeps that layout).
  const source = path.resolve(path.dirname(file), entry.originalSource.replace(/^file:\/\//, ''));
  return { location: `${fileName}:${line}:${column}`, source: `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`, name: (entry as { name?: string }).name };
};

/**
 * One frame as V8 writes it, its bundle position replaced by the source's, and its minified
 * function name by the original one: as Node does, the name is the one the map gives at the
 * caller's position (the next frame), where the call names the function.
 */
const frame = (site: NodeJS.CallSite, mapped: Mapped | undefined, caller: Mapped | undefined): string => {
  let text = site.toString();
  if (!mapped) return text;
  text = text.replace(mapped.location, mapped.source);
  const minified = site.getFunctionName();
  if (minified && caller?.name && caller.name !== minified) text = text.replace(new RegExp(`(^|[ .])${minified.replace(/[$]/g, '\\$')}(?= \\()`), `$1${caller.name}`);
  return text;
};

const header = (error: unknown): string => {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
};

/** Installs the lazy mapping for every stack trace of the process (once is enough; again is harmless). */
export const installSourceMappedStacks = (): void => {
  Error.prepareStackTrace = (error, sites) => {
    const mapped = sites.map((site) => {
      try {
        return mappedOf(site);
      } catch {
        return undefined;
      }
    });
    const frames = sites.map((site, index) => {
      try {
        return frame(site, mapped[index], mapped[index + 1]);
      } catch {
        return site.toString();
      }
    });
    return [header(error), ...frames.map((text) => `    at ${text}`)].join('\n');
  };
};

/**
 * Whether this code runs from a bundle (`.mjs` chunks with their maps), as in Lambda, rather than
 * from the TypeScript sources (tsx, vitest), whose own source mapping must be left alone.
 */
export const runsFromBundle = (moduleUrl: string): boolean => moduleUrl.endsWith('.mjs');
