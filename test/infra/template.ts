import type { FunctionDeclaration } from '../../shared/platform/declarations.js';

/** The parts of a synthesized CloudFormation template the infra tests read. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly DependsOn?: string | string[];
}
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

export const resourcesOfType = (template: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

const json = (value: unknown): string => JSON.stringify(value) ?? '';

/** Whether a CloudFormation value refers (Ref or GetAtt) to the resource with this logical id. */
export const refersTo = (value: unknown, logicalId: string): boolean => json(value).includes(`{"Ref":"${logicalId}"}`) || json(value).includes(`{"Fn::GetAtt":["${logicalId}",`);

/** Logical id of the Lambda whose physical name is `name`, or undefined. */
export const functionLogicalId = (template: CfnTemplate, name: string): string | undefined =>
  resourcesOfType(template, 'AWS::Lambda::Function').find(([, fn]) => fn.Properties?.FunctionName === name)?.[0];

/**
 * What is missing for a declared function to be wired to its trigger in the template: an empty
 * list when the function exists and is reached by what its declaration says.
 */
export const missingWiring = (template: CfnTemplate, declaration: FunctionDeclaration, stage: string): string[] => {
  const fnId = functionLogicalId(template, `${stage}-tp-${declaration.name}`);
  if (!fnId) return [`no Lambda function named ${stage}-tp-${declaration.name}`];
  const { trigger } = declaration;
  const missing: string[] = [];
  switch (trigger.kind) {
    case 'http': {
      const integrations = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration')
        .filter(([, integration]) => refersTo(integration.Properties?.IntegrationUri, fnId))
        .map(([id]) => id);
      const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route');
      for (const route of trigger.routes) {
        const key = `${route.method} ${route.path}`;
        const found = routes.find(([, r]) => r.Properties?.RouteKey === key && integrations.some((id) => refersTo(r.Properties?.Target, id)));
        if (!found) missing.push(`route ${key}`);
        else if ((found[1].Properties?.AuthorizationType === 'JWT') === Boolean(route.public)) missing.push(`authorizer of ${key}`);
      }
      break;
    }
    case 'stream': {
      const mapping = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').find(
        ([, m]) => refersTo(m.Properties?.FunctionName, fnId) && json(m.Properties?.EventSourceArn).includes('StreamArn'),
      );
      if (!mapping) missing.push('stream event source mapping');
      else for (const type of trigger.eventTypes) if (!json(mapping[1].Properties?.FilterCriteria).includes(`\\"${type}\\"`)) missing.push(`filter on ${type}`);
      break;
    }
    case 'schedule': {
      const schedule = resourcesOfType(template, 'AWS::Scheduler::Schedule').find(([, s]) => refersTo((s.Properties?.Target as { Arn?: unknown } | undefined)?.Arn, fnId));
      if (!schedule) missing.push('schedule');
      else if (schedule[1].Properties?.ScheduleExpression !== trigger.cron || schedule[1].Properties.ScheduleExpressionTimezone !== trigger.timezone)
        missing.push('schedule expression or timezone');
      break;
    }
    case 's3': {
      const bucket = resourcesOfType(template, 'AWS::S3::Bucket').find(([, b]) => json(b.Properties?.NotificationConfiguration).includes(`"Fn::GetAtt":["${fnId}","Arn"]`));
      if (!bucket) missing.push('S3 notification');
      else if (!json(bucket[1].Properties?.NotificationConfiguration).includes(`{"Name":"prefix","Value":"${trigger.prefix}"}`)) missing.push('S3 prefix filter');
      break;
    }
    case 'queue': {
      const mapping = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').find(
        ([, m]) => refersTo(m.Properties?.FunctionName, fnId) && json(m.Properties?.EventSourceArn).includes('MailRetryQueue'),
      );
      if (!mapping) missing.push('queue event source mapping');
      break;
    }
  }
  return missing;
};

/** A CloudFormation string value as text: `Fn::Join` flattened, `{ Ref: X }` as `<X>`. */
const render = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const object = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (object.Ref) return `<${object.Ref}>`;
  if (object['Fn::Join']) return object['Fn::Join'][1].map(render).join(object['Fn::Join'][0]);
  return json(value);
};

const bucketOfSuffix: Record<string, string> = { pv: 'vault', uploads: 'uploads' };

/**
 * The S3 grants of a function's role, one line per action and place, sorted: `s3:PutObject
 * uploads/pv/*`, `s3:ListBucket vault if s3:prefix digests/*`. Buckets are named by their
 * declaration name (`vault`, `uploads`), whatever the stage, account and region.
 */
export const s3GrantsOf = (template: CfnTemplate, functionName: string): string[] => {
  const roleIds = resourcesOfType(template, 'AWS::IAM::Role')
    .filter(([id]) => id.startsWith(`Functions${functionName}Role`))
    .map(([id]) => id);
  if (roleIds.length !== 1) throw new Error(`no single role for ${functionName}: ${roleIds.join(', ')}`);
  type Statement = { Action: string | string[]; Resource: unknown; Condition?: { StringLike?: Record<string, string | string[]> } };
  const lines = resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => refersTo(policy.Properties?.Roles, roleIds[0] ?? ''))
    .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement)
    .flatMap((statement) =>
      [statement.Action]
        .flat()
        .filter((action) => action.startsWith('s3:'))
        .flatMap((action) =>
          [statement.Resource].flat().map((resource) => {
            const match = /:s3:::(?:dev|prod)-tp-([a-z]+)-<AWS::AccountId>-<AWS::Region>(?:\/(.*))?$/.exec(render(resource));
            const place = match ? `${bucketOfSuffix[match[1] ?? ''] ?? match[1]}${match[2] === undefined ? '' : `/${match[2]}`}` : render(resource);
            const prefix = statement.Condition?.StringLike?.['s3:prefix'];
            return `${action} ${place}${prefix ? ` if s3:prefix ${[prefix].flat().join(',')}` : ''}`;
          }),
        ),
    );
  return lines.sort();
};
