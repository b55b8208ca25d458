/**
 * A small IAM policy evaluator, for what the stack's identity policies use: Allow and Deny,
 * Action / NotAction and Resource / NotResource with `*` and `?` wildcards, and the condition
 * operators of the String, Arn, Bool and Null families, with `ForAllValues:` / `ForAnyValue:` and
 * `…IfExists`. An operator outside that set throws, naming it: a policy the evaluator cannot read
 * must not be guessed at. Written here rather than taken from `@cloud-copilot/iam-simulate`, which
 * is AGPL-3.0, and because the stack's policies need only this much.
 *
 * As IAM: an explicit Deny wins, then any Allow, else the request is implicitly denied.
 */
type PolicyValue = string | readonly string[];

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: PolicyValue;
  readonly NotAction?: PolicyValue;
  readonly Resource?: PolicyValue;
  readonly NotResource?: PolicyValue;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, PolicyValue | boolean>>>>;
}

/** One authorization question: may this principal do `action` on `resource`, given this context? */
export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request (`s3:prefix`…), single- or multi-valued. */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

const list = (value: PolicyValue | undefined): readonly string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : value);

const patternCache = new Map<string, RegExp>();
/** IAM's wildcards: `*` any run of characters, `?` one character; nothing else is special. */
export const wildcardMatch = (pattern: string, value: string, ignoreCase = false): boolean => {
  const cacheKey = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  let regex = patternCache.get(cacheKey);
  if (!regex) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`, ignoreCase ? 'si' : 's');
    patternCache.set(cacheKey, regex);
  }
  return regex.test(value);
};

const matchesAny = (patterns: readonly string[], value: string, ignoreCase: boolean) => patterns.some((pattern) => wildcardMatch(pattern, value, ignoreCase));

const actionApplies = (statement: PolicyStatement, action: string): boolean =>
  statement.NotAction !== undefined ? !matchesAny(list(statement.NotAction), action, true) : matchesAny(list(statement.Action), action, true);

const resourceApplies = (statement: PolicyStatement, resource: string): boolean =>
  statement.NotResource !== undefined ? !matchesAny(list(statement.NotResource), resource, false) : matchesAny(list(statement.Resource), resource, false);

type Comparison = (policyValue: string, requestValue: string) => boolean;

const comparisons: Readonly<Record<string, { readonly compare: Comparison; readonly negated: boolean }>> = {
  StringEquals: { compare: (p, r) => p === r, negated: false },
  StringNotEquals: { compare: (p, r) => p === r, negated: true },
  StringEqualsIgnoreCase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true },
  StringLike: { compare: (p, r) => wildcardMatch(p, r), negated: false },
  StringNotLike: { compare: (p, r) => wildcardMatch(p, r), negated: true },
  ArnEquals: { compare: (p, r) => p === r, negated: false },
  ArnNotEquals: { compare: (p, r) => p === r, negated: true },
  ArnLike: { compare: (p, r) => wildcardMatch(p, r), negated: false },
  ArnNotLike: { compare: (p, r) => wildcardMatch(p, r), negated: true },
  Bool: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
};

export class UnsupportedConditionError extends Error {
  override readonly name = 'UnsupportedConditionError';
}

const contextValue = (context: AuthorizationRequest['context'], key: string): readonly string[] | undefined => {
  if (!context) return undefined;
  const found = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase());
  if (!found) return undefined;
  return typeof found[1] === 'string' ? [found[1]] : found[1];
};

/** Whether one operator's block (`{"StringLike": {"s3:prefix": ["pv/*"]}}`) holds: every key must. */
const conditionHolds = (operator: string, block: Readonly<Record<string, PolicyValue | boolean>>, context: AuthorizationRequest['context']): boolean => {
  const [qualifier, rest] = operator.includes(':') ? (operator.split(':', 2) as [string, string]) : [undefined, operator];
  if (qualifier !== undefined && qualifier !== 'ForAllValues' && qualifier !== 'ForAnyValue') throw new UnsupportedConditionError(`condition operator ${operator}`);
  const ifExists = rest.endsWith('IfExists');
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  return Object.entries(block).every(([key, raw]) => {
    const policyValues = typeof raw === 'boolean' ? [String(raw)] : list(raw);
    const values = contextValue(context, key);
    if (base === 'Null') {
      const wantsAbsent = policyValues.some((value) => value.toLowerCase() === 'true');
      return wantsAbsent === (values === undefined);
    }
    const comparison = comparisons[base];
    if (!comparison) throw new UnsupportedConditionError(`condition operator ${operator}`);
    if (values === undefined) {
      if (ifExists || qualifier === 'ForAllValues') return true;
      if (qualifier === 'ForAnyValue') return false;
      return comparison.negated;
    }
    const matchesOne = (value: string) => policyValues.some((policyValue) => comparison.compare(policyValue, value));
    if (qualifier === 'ForAllValues') return values.every((value) => (comparison.negated ? !matchesOne(value) : matchesOne(value)));
    const anyMatch = values.some(matchesOne);
    return comparison.negated ? !anyMatch : anyMatch;
  });
};

const statementApplies = (statement: PolicyStatement, request: AuthorizationRequest): boolean =>
  actionApplies(statement, request.action) &&
  resourceApplies(statement, request.resource) &&
  Object.entries(statement.Condition ?? {}).every(([operator, block]) => conditionHolds(operator, block, request.context));

/** IAM's decision for one request against a principal's identity-based statements. */
export const evaluate = (statements: readonly PolicyStatement[], request: AuthorizationRequest): Decision => {
  const applying = statements.filter((statement) => statementApplies(statement, request));
  if (applying.some((statement) => statement.Effect === 'Deny')) return 'explicitDeny';
  return applying.some((statement) => statement.Effect === 'Allow') ? 'allowed' : 'implicitDeny';
};
