import { resourcesOfType, type CfnTemplate } from './template.js';

/**
 * AWS rules that no emulator enforces, checked on a synthesized template. Each returns what breaks
 * the rule (an empty list when the template keeps it), so a failing test names the offender.
 */

const json = (value: unknown): string => JSON.stringify(value) ?? '';
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Logical id of the resource a `Ref` or `Fn::GetAtt` points at, if the value is one. */
const target = (value: unknown): string | undefined => {
  const intrinsic = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown[] } | undefined;
  if (typeof intrinsic?.Ref === 'string') return intrinsic.Ref;
  const getAtt = intrinsic?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
};

/** Lambda functions by logical id, with their physical name. */
const functionNames = (template: CfnTemplate): Map<string, string> =>
  new Map(resourcesOfType(template, 'AWS::Lambda::Function').map(([id, fn]) => [id, String(fn.Properties?.FunctionName ?? id)]));

/** The DynamoDB stream mappings: table logical id and function logical id. */
const streamMappings = (template: CfnTemplate): { table: string; fn: string }[] =>
  resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').flatMap(([, mapping]) => {
    const source = mapping.Properties?.EventSourceArn as { 'Fn::GetAtt'?: unknown[] } | undefined;
    const getAtt = source?.['Fn::GetAtt'];
    if (!Array.isArray(getAtt) || getAtt[1] !== 'StreamArn' || typeof getAtt[0] !== 'string') return [];
    const fn = target(mapping.Properties?.FunctionName);
    return fn ? [{ table: getAtt[0], fn }] : [];
  });

/**
 * DynamoDB Streams serves at most two simultaneous readers per shard; a third is throttled
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html#Streams.Processing).
 * Returns every stream read by more than two functions, with its readers.
 */
export const overcrowdedStreams = (template: CfnTemplate, maxReaders = 2): { table: string; readers: string[] }[] => {
  const names = functionNames(template);
  const readers = new Map<string, Set<string>>();
  for (const { table, fn } of streamMappings(template)) readers.set(table, (readers.get(table) ?? new Set()).add(names.get(fn) ?? fn));
  return [...readers].filter(([, fns]) => fns.size > maxReaders).map(([table, fns]) => ({ table, readers: [...fns].sort() }));
};

/**
 * A Lambda's environment is readable by anyone allowed `lambda:GetFunctionConfiguration`: no
 * secret value may sit there, neither in clear, nor as a dynamic reference CloudFormation resolves
 * into it (`{{resolve:secretsmanager:…}}`, `{{resolve:ssm-secure:…}}`), nor under a name that says
 * it holds one. A secret's ARN or name (`…_SECRET_ARN`, `…_SECRET_NAME`) is what functions get.
 */
export const secretsInEnvironments = (template: CfnTemplate): string[] =>
  resourcesOfType(template, 'AWS::Lambda::Function').flatMap(([id, fn]) => {
    const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const name = String(fn.Properties?.FunctionName ?? id);
    return Object.entries(variables).flatMap(([variable, value]) => {
      if (/\{\{resolve:(secretsmanager|ssm-secure):/.test(json(value))) return [`${name}: ${variable} resolves a secret into the environment`];
      if (/(SECRET|PASSWORD|PRIVATE_KEY|TOKEN)(?!.*_(ARN|NAME|ID)$)/i.test(variable)) return [`${name}: ${variable} holds a secret by its name`];
      return [];
    });
  });

/** Write actions that change or remove an existing commit, or bypass the conditional put. */
const forbiddenEventStoreActions = /^dynamodb:(\*|Update\w*Item|UpdateItem|DeleteItem|BatchWriteItem|PartiQL(Update|Delete|Insert)|Restore\w*|ImportTable)$/;

/**
 * The event store is written by `PutItem` alone (a conditional put per commit): no role may
 * update, delete or batch-write an item of the table whose physical name ends with `-tp-events`.
 * Returns each policy statement granting another write on it.
 */
export const eventStoreRewrites = (template: CfnTemplate, tableSuffix = '-tp-events'): string[] => {
  const eventTables = resourcesOfType(template, 'AWS::DynamoDB::Table')
    .filter(([, table]) => String(table.Properties?.TableName).endsWith(tableSuffix))
    .map(([id]) => id);
  type Statement = { Effect?: string; Action?: string | string[]; Resource?: unknown };
  const statements = [
    ...resourcesOfType(template, 'AWS::IAM::Policy').flatMap(([id, policy]) =>
      (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({ owner: id, statement })),
    ),
    ...resourcesOfType(template, 'AWS::IAM::Role').flatMap(([id, role]) =>
      ((role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) =>
        p.PolicyDocument.Statement.map((statement) => ({ owner: id, statement })),
      ),
    ),
  ];
  return statements.flatMap(({ owner, statement }) => {
    if (statement.Effect === 'Deny') return [];
    const onStore = list(statement.Resource).some((resource) => resource === '*' || eventTables.some((table) => json(resource).includes(`"${table}"`)));
    if (!onStore) return [];
    return list(statement.Action)
      .filter((action) => forbiddenEventStoreActions.test(action))
      .map((action) => `${owner}: ${action}`);
  });
};

/** How CloudFormation values are rendered to estimate a policy's size: the longest plausible strings. */
const renderForSize = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const intrinsic = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]]; 'Fn::GetAtt'?: unknown[] };
  if (intrinsic.Ref === 'AWS::Partition') return 'aws-us-gov';
  if (intrinsic.Ref === 'AWS::Region') return 'ap-southeast-5';
  if (intrinsic.Ref === 'AWS::AccountId') return '123456789012';
  if (intrinsic.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
  if (intrinsic['Fn::Join']) return intrinsic['Fn::Join'][1].map(renderForSize).join(intrinsic['Fn::Join'][0]);
  // An API id is 10 characters; a function ARN ends with its name (at most 64).
  if (intrinsic.Ref) return 'x'.repeat(10);
  if (intrinsic['Fn::GetAtt']) return `arn:aws-us-gov:lambda:ap-southeast-5:123456789012:function:${'x'.repeat(64)}`;
  return json(value);
};

export interface ResourcePolicy {
  readonly function: string;
  readonly statements: number;
  /** Estimated bytes of the policy document Lambda keeps, with the longest values a deploy could give. */
  readonly bytes: number;
  /** Statements that let the same principal invoke from the same kind of source, one per route. */
  readonly duplicatePrincipals: readonly string[];
}

/**
 * The resource-based policy Lambda builds for each function from its `AWS::Lambda::Permission`s
 * (one statement each), sized as AWS stores it. Lambda refuses a policy over 20 KB
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), so the statements
 * must not grow with the routes: one per principal and source.
 */
export const resourcePolicies = (template: CfnTemplate): ResourcePolicy[] => {
  const names = functionNames(template);
  const byFunction = new Map<string, { sid: string; statement: Record<string, unknown>; principal: string }[]>();
  for (const [id, permission] of resourcesOfType(template, 'AWS::Lambda::Permission')) {
    const p = permission.Properties ?? {};
    const fn = target(p.FunctionName) ?? String(p.FunctionName);
    const principal = String(p.Principal);
    // CloudFormation's statement id: `<stack name>-<logical id truncated>-<12 random>`, at most 100.
    const sid = `TpSessions-prod-${id}-ABCDEFGHIJKL`.slice(0, 100);
    const statement = {
      Sid: sid,
      Effect: 'Allow',
      Principal: { Service: principal },
      Action: String(p.Action),
      Resource: renderForSize(p.FunctionName).replace(/^(?!arn:)/, 'arn:aws-us-gov:lambda:ap-southeast-5:123456789012:function:'),
      ...(p.SourceArn || p.SourceAccount
        ? {
            Condition: {
              ...(p.SourceAccount ? { StringEquals: { 'AWS:SourceAccount': renderForSize(p.SourceAccount) } } : {}),
              ...(p.SourceArn ? { ArnLike: { 'AWS:SourceArn': renderForSize(p.SourceArn) } } : {}),
            },
          }
        : {}),
    };
    byFunction.set(fn, [...(byFunction.get(fn) ?? []), { sid, statement, principal }]);
  }
  return [...byFunction].map(([fn, statements]) => {
    const document = { Version: '2012-10-17', Id: 'default', Statement: statements.map((s) => s.statement) };
    const principals = statements.map((s) => s.principal);
    return {
      function: names.get(fn) ?? fn,
      statements: statements.length,
      bytes: Buffer.byteLength(JSON.stringify(document)),
      duplicatePrincipals: [...new Set(principals.filter((principal, i) => principals.indexOf(principal) !== i))],
    };
  });
};

/**
 * Each stream consumer needs an alarm on its `IteratorAge`: a consumer that falls behind loses
 * records after the stream's 24 hours. Returns the consumers (physical names) without one.
 */
export const streamConsumersWithoutIteratorAgeAlarm = (template: CfnTemplate): string[] => {
  const names = functionNames(template);
  const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties ?? {});
  const watched = (fnId: string) =>
    alarms.some((alarm) => {
      const direct = alarm.MetricName === 'IteratorAge' && list(alarm.Dimensions as unknown[]).some((d) => json(d).includes(`"${fnId}"`));
      const inMath = list(alarm.Metrics as unknown[]).some((m) => json(m).includes('"IteratorAge"') && json(m).includes(`"${fnId}"`));
      return direct || inMath;
    });
  return [...new Set(streamMappings(template).map((m) => m.fn))].filter((fn) => !watched(fn)).map((fn) => names.get(fn) ?? fn);
};

/** Logical ids a value refers to through `Ref`, `Fn::GetAtt` and `Fn::Sub` (pseudo parameters aside). */
const references = (value: unknown, into: Set<string>): Set<string> => {
  if (Array.isArray(value)) for (const item of value) references(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) into.add(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string') into.add(inner[0]);
      else if (key === 'Fn::GetAtt' && typeof inner === 'string') into.add(inner.split('.')[0] ?? inner);
      else if (key === 'Fn::Sub') {
        for (const match of JSON.stringify(inner).matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) if (match[1] && !match[1].startsWith('AWS')) into.add(match[1]);
      } else references(inner, into);
    }
  }
  return into;
};

/**
 * CloudFormation refuses a template whose resources depend on each other in a circle, but only at
 * deploy time: `cdk synth` does not look. Returns one cycle (logical ids) per strongly connected
 * group found, through references and `DependsOn`.
 */
export const dependencyCycles = (template: CfnTemplate): string[][] => {
  const ids = new Set(Object.keys(template.Resources));
  const edges = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const targets = references(resource.Properties ?? {}, new Set());
    for (const dependency of list(resource.DependsOn)) targets.add(dependency);
    edges.set(
      id,
      [...targets].filter((target) => ids.has(target) && target !== id),
    );
  }
  // Tarjan's strongly connected components, iteratively enough for a few hundred resources.
  let index = 0;
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (id: string): void => {
    indexes.set(id, index);
    low.set(id, index);
    index += 1;
    stack.push(id);
    onStack.add(id);
    for (const next of edges.get(id) ?? []) {
      if (!indexes.has(next)) {
        visit(next);
        low.set(id, Math.min(low.get(id) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(id, Math.min(low.get(id) ?? 0, indexes.get(next) ?? 0));
    }
    if (low.get(id) === indexes.get(id)) {
      const component: string[] = [];
      for (;;) {
        const member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
        if (member === id) break;
      }
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const id of ids) if (!indexes.has(id)) visit(id);
  return cycles;
};
