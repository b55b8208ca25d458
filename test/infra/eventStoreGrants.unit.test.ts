import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionDeclarations } from '../../functions/index.js';
import { projectRoot } from '../../infra/app.js';
import { settingsFromContext } from '../../infra/settings.js';
import { TpSessionsStack } from '../../infra/stack.js';
import { defineFunction } from '../../shared/platform/declarations.js';
import { synthesize } from './synth.js';
import { resourcesOfType, type CfnTemplate } from './template.js';

/**
 * The event store is append-only: a commit is put once, never changed nor removed. So no role of
 * the real stack may UpdateItem, DeleteItem or BatchWriteItem the events table (nor anything wider
 * such as `dynamodb:*`): its grants are PutItem and reads only. The offline gateway enforces the
 * same grants on every call (test/offline/iam.int.test.ts), so nothing calls more.
 */
const allowedOnEvents = new Set([
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:DescribeTable',
  'dynamodb:PutItem',
  // On "*", for the stream consumers' event source mappings (no resource-level permission): reads no item.
  'dynamodb:ListStreams',
]);

let template: CfnTemplate;
beforeAll(() => {
  template = synthesize({ stage: 'prod', bundle: false }).template.toJSON() as CfnTemplate;
}, 120_000);

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Whether a policy resource is the events table or one of its indexes (not its stream). */
const namesEventsTable = (resource: unknown): boolean => {
  const text = JSON.stringify(resource);
  return /"Fn::GetAtt":\["EventsTable[0-9A-F]+","Arn"\]/.test(text) || text === '"*"';
};

describe('grants on the event store', () => {
  it('given the real stack, every statement on the events table allows only reads and PutItem', () => {
    const onEvents: string[] = [];
    for (const [id, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
      const statements = (policy.Properties?.PolicyDocument as { Statement: { Effect: string; Action: unknown; Resource: unknown }[] }).Statement;
      for (const statement of statements) {
        if (statement.Effect !== 'Allow' || !list(statement.Resource).some(namesEventsTable)) continue;
        const actions = list(statement.Action)
          .map(String)
          .filter((action) => action.startsWith('dynamodb:') || action === '*');
        onEvents.push(...actions.map((action) => `${id}: ${action}`));
        expect(
          actions.filter((action) => !allowedOnEvents.has(action)),
          id,
        ).toEqual([]);
      }
    }
    // The API, the pages and the intake append commits; the check is not vacuous.
    expect(onEvents.filter((grant) => grant.endsWith('dynamodb:PutItem')).length).toBeGreaterThanOrEqual(3);
  });

  it('given a declaration asking readwrite on the events table, the stack refuses to build', () => {
    const app = new App({ context: { stage: 'dev' }, postCliContext: { 'aws:cdk:bundling-stacks': [] } });
    const settings = settingsFromContext((key) => app.node.tryGetContext(key) as unknown);
    const rewriter = defineFunction({
      name: 'rewriter',
      entry: 'functions/api/handler.ts',
      description: 'Would rewrite commits.',
      resources: { tables: { events: 'readwrite' } },
      trigger: { kind: 'http', routes: [{ method: 'POST', path: '/rewrite' }] },
    });
    expect(() => new TpSessionsStack(app, 'Refused', { settings, declarations: [...functionDeclarations, rewriter], projectRoot })).toThrow(/append-only/);
  });
});
