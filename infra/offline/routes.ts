import type { HttpRoute } from '../../shared/platform/declarations.js';

/**
 * Route matching as API Gateway's HTTP API does it: `{param}` matches one path segment, a final
 * `{proxy+}` matches the rest (one segment or more), the most specific route wins (literal segments
 * before parameters, parameters before a greedy one), and a path that no route of that method
 * matches is a 404.
 */
type Segment = { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'param'; readonly name: string } | { readonly kind: 'greedy'; readonly name: string };

export interface CompiledRoute<T> {
  readonly method: HttpRoute['method'];
  readonly path: string;
  /** `GET /sessions/{sessionId}`, as API Gateway writes it in `routeKey`. */
  readonly routeKey: string;
  readonly segments: readonly Segment[];
  readonly target: T;
}

export interface RouteMatch<T> {
  readonly route: CompiledRoute<T>;
  readonly pathParameters: Readonly<Record<string, string>>;
}

const splitPath = (path: string): string[] => path.split('/').filter((s) => s !== '');

const compileSegment = (raw: string, isLast: boolean, path: string): Segment => {
  const greedy = /^\{([A-Za-z0-9_]+)\+\}$/.exec(raw);
  if (greedy?.[1]) {
    if (!isLast) throw new Error(`Route ${path}: a greedy {${greedy[1]}+} parameter must be the last segment`);
    return { kind: 'greedy', name: greedy[1] };
  }
  const param = /^\{([A-Za-z0-9_]+)\}$/.exec(raw);
  if (param?.[1]) return { kind: 'param', name: param[1] };
  if (raw.includes('{') || raw.includes('}')) throw new Error(`Route ${path}: a parameter must fill a whole segment`);
  return { kind: 'literal', value: raw };
};

export const compileRoute = <T>(route: HttpRoute, target: T): CompiledRoute<T> => {
  const parts = splitPath(route.path);
  return {
    method: route.method,
    path: route.path,
    routeKey: `${route.method} ${route.path}`,
    segments: parts.map((part, index) => compileSegment(part, index === parts.length - 1, route.path)),
    target,
  };
};

const rank = (segment: Segment): number => (segment.kind === 'literal' ? 0 : segment.kind === 'param' ? 1 : 2);

/** Negative when `a` is more specific than `b`: compared segment by segment, then longer first. */
const bySpecificity = <T>(a: CompiledRoute<T>, b: CompiledRoute<T>): number => {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i += 1) {
    const sa = a.segments[i];
    const sb = b.segments[i];
    if (!sa || !sb) return sa ? -1 : 1;
    const diff = rank(sa) - rank(sb);
    if (diff !== 0) return diff;
  }
  return 0;
};

const matchSegments = (segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined => {
  const parameters: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i];
    if (!segment) return undefined;
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0) return undefined;
      parameters[segment.name] = rest.map(decodeSegment).join('/');
      return parameters;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (decodeSegment(part) !== segment.value) return undefined;
    } else {
      parameters[segment.name] = decodeSegment(part);
    }
  }
  return parts.length === segments.length ? parameters : undefined;
};

const decodeSegment = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

/** A route table, built once from the declarations. */
export class RouteTable<T> {
  private readonly routes: CompiledRoute<T>[];

  constructor(routes: readonly CompiledRoute<T>[]) {
    const seen = new Set<string>();
    for (const route of routes) {
      const key = `${route.method} /${route.segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? '{}' : '{+}')).join('/')}`;
      if (seen.has(key)) throw new Error(`Two functions declare the same route: ${route.routeKey}`);
      seen.add(key);
    }
    this.routes = [...routes].sort(bySpecificity);
  }

  get all(): readonly CompiledRoute<T>[] {
    return this.routes;
  }

  match(method: string, path: string): RouteMatch<T> | undefined {
    const parts = splitPath(path);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const pathParameters = matchSegments(route.segments, parts);
      if (pathParameters) return { route, pathParameters };
    }
    return undefined;
  }
}
