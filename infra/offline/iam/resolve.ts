import { AUTH_ENV } from '../../../shared/platform/env.js';
import type { FunctionDeclaration } from '../../../shared/platform/declarations.js';
import { ENV } from '../../../shared/platform/env.js';
import type { Partition } from './actions.js';
import type { PolicyStatement } from './policy.js';
import { TEMPLATE_STAGE, type CfnTemplate } from './template.js';

/**
 * The synthesized template read as the offline system: each CloudFormation reference (`Ref`,
 * `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`) becomes the local value — local table, bucket and queue
 * names, ARNs in the fixed local account and region, the runtime's URLs — so that a function's
 * variables and its role's policy name what it meets offline. A reference nothing local stands
 * for becomes `unresolved:<…>`, which matches no resource: a grant that cannot be read offline
 * denies, it never allows by accident.
 */
export const LOCAL_ACCOUNT = '000000000000';

export interface LocalSubstitutes {
  readonly partition: Partition;
  /** The stage prefix of local names (`local`: `local-tp-events`). */
  readonly stage: string;
  readonly appUrl: string;
  /** Where the SQS stand-in answers (queue URLs are `<base>/<account>/<name>`). */
  readonly queueBaseUrl: string;
  /** The local sign-in stands in for Cognito: its issuer, audience and JWKS. */
  readonly auth: { readonly issuer: string; readonly audience: string; readonly jwksUrl: string };
  /** The ARN of a local secret, by its local name (`local-tp-cursor-secret`). */
  readonly secretArn: (name: string) => string;
}

/** One function as offline sees it: its Lambda's variables, resolved, and its role's statements. */
export interface OfflineFunction {
  readonly name: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly statements: readonly PolicyStatement[];
}

/**
 * Variables whose AWS value names a service offline replaces by its own stand-in: the local
 * sign-in's issuer and keys stand for Cognito's; the hosted UI has no local counterpart (the local
 * sign-in page is used instead), so its variable is left out.
 */
const standIns = (substitutes: LocalSubstitutes): Readonly<Record<string, string | undefined>> => ({
  [ENV.STAGE]: substitutes.stage,
  [AUTH_ENV.ISSUER]: substitutes.auth.issuer,
  [AUTH_ENV.AUDIENCE]: substitutes.auth.audience,
  [AUTH_ENV.JWKS_URL]: substitutes.auth.jwksUrl,
  [AUTH_ENV.HOSTED_UI_URL]: undefined,
});

const kebab = (text: string) => text.replace(/[A-Z]/g, (c, at: number) => `${at > 0 ? '-' : ''}${c.toLowerCase()}`);

export class TemplateResolver {
  private readonly resources: CfnTemplate['Resources'];
  private readonly prefix: RegExp;

  constructor(
    template: CfnTemplate,
    private readonly substitutes: LocalSubstitutes,
  ) {
    this.resources = template.Resources;
    this.prefix = new RegExp(`\\b${TEMPLATE_STAGE}-tp-`, 'g');
  }

  /** Physical names of the template's stage, as the local system names them. */
  localName(name: string): string {
    const { account, region } = this.substitutes.partition;
    // Buckets are `<stage>-tp-<suffix>-<account>-<region>` in AWS, `local-tp-<suffix>` offline.
    return name
      .replace(new RegExp(`\\b${TEMPLATE_STAGE}-tp-([a-z0-9-]+?)-${account}-${region}`, 'g'), `${this.substitutes.stage}-tp-$1`)
      .replace(this.prefix, `${this.substitutes.stage}-tp-`);
  }

  /** A CloudFormation value, resolved to the local one. */
  resolve(value: unknown): string {
    return this.localName(this.raw(value));
  }

  private physical(id: string, property: string): string {
    const value = this.resources[id]?.Properties?.[property];
    return value === undefined ? `unresolved:${id}` : this.raw(value);
  }

  /**
   * A queue's local name: its fixed name when the stack gives one, else (a stage where CloudFormation
   * names it) from its logical id, as the SQS stand-in names it: `MailRetryQueue…` → `local-tp-mail-retry`.
   */
  private queueName(id: string): string {
    const named = this.resources[id]?.Properties?.QueueName;
    if (named !== undefined) return this.localName(this.raw(named));
    return `${this.substitutes.stage}-tp-${kebab(id.replace(/[0-9A-F]{8}$/, '').replace(/Queue$/, ''))}`;
  }

  private ref(id: string): string {
    const { account, region } = this.substitutes.partition;
    switch (id) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return account;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return `TpSessions-${TEMPLATE_STAGE}`;
    }
    const resource = this.resources[id];
    switch (resource?.Type) {
      case 'AWS::DynamoDB::Table':
        return this.physical(id, 'TableName');
      case 'AWS::S3::Bucket':
        return this.physical(id, 'BucketName');
      case 'AWS::SQS::Queue':
        return `${this.substitutes.queueBaseUrl}/${account}/${this.queueName(id)}`;
      case 'AWS::SecretsManager::Secret':
        return this.substitutes.secretArn(`${this.substitutes.stage}-tp-${kebab(id.replace(/[0-9A-F]{8}$/, ''))}`);
      case 'AWS::Cognito::UserPoolClient':
        return this.substitutes.auth.audience;
      case 'AWS::Lambda::Function':
        return this.physical(id, 'FunctionName');
      case 'AWS::SES::ConfigurationSet':
        return this.physical(id, 'Name');
      default:
        return `unresolved:${id}`;
    }
  }

  private getAtt(id: string, attribute: string): string {
    const { account, region } = this.substitutes.partition;
    const resource = this.resources[id];
    const name = () => this.localName(this.ref(id));
    switch (`${resource?.Type}.${attribute}`) {
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:aws:dynamodb:${region}:${account}:table/${name()}`;
      case 'AWS::DynamoDB::Table.StreamArn':
        return `arn:aws:dynamodb:${region}:${account}:table/${name()}/stream/local`;
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${name()}`;
      case 'AWS::SQS::Queue.Arn':
        return `arn:aws:sqs:${region}:${account}:${this.queueName(id)}`;
      case 'AWS::SQS::Queue.QueueName':
        return this.queueName(id);
      case 'AWS::KMS::Key.Arn':
        return `arn:aws:kms:${region}:${account}:key/${id}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${region}:${account}:log-group:${id}:*`;
      case 'AWS::Lambda::Function.Arn':
        return `arn:aws:lambda:${region}:${account}:function:${name()}`;
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return this.substitutes.appUrl;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${account}:role/${id}`;
      default:
        return `unresolved:${id}.${attribute}`;
    }
  }

  private raw(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    const intrinsic = (value ?? {}) as Record<string, unknown>;
    if (typeof intrinsic.Ref === 'string') return this.ref(intrinsic.Ref);
    const getAtt = intrinsic['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return this.getAtt(String(getAtt[0]), String(getAtt[1]));
    const join = intrinsic['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map((part) => this.raw(part)).join(String(join[0]));
    const sub = intrinsic['Fn::Sub'];
    if (typeof sub === 'string' || Array.isArray(sub)) {
      const [text, variables] = typeof sub === 'string' ? [sub, {}] : (sub as [string, Record<string, unknown>]);
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name in variables) return this.raw(variables[name]);
        const [id = '', attribute] = name.split('.');
        return attribute ? this.getAtt(id, attribute) : this.ref(id);
      });
    }
    return `unresolved:${JSON.stringify(value)}`;
  }

  /** Resolves every string of a policy statement (Action, Resource, Condition values). */
  private statement(statement: Record<string, unknown>): PolicyStatement {
    const deep = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(deep);
      if (value && typeof value === 'object') {
        const keys = Object.keys(value);
        if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::'))) return this.resolve(value);
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, deep(inner)]));
      }
      return typeof value === 'string' ? this.localName(value) : value;
    };
    return deep(statement) as PolicyStatement;
  }

  /** The Lambda of a declaration, its variables (with the stand-ins) and its role's statements. */
  offlineFunction(declaration: FunctionDeclaration): OfflineFunction {
    const physicalName = `${TEMPLATE_STAGE}-tp-${declaration.name}`;
    const entry = Object.entries(this.resources).find(([, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Properties?.FunctionName === physicalName);
    if (!entry) throw new Error(`The synthesized template has no Lambda named ${physicalName}`);
    const properties = entry[1].Properties ?? {};
    const variables = ((properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
    const replaced = standIns(this.substitutes);
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(variables)) {
      if (name in replaced) {
        const local = replaced[name];
        if (local !== undefined) environment[name] = local;
      } else environment[name] = this.resolve(value);
    }
    const roleId = ((properties.Role as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt'] ?? [])[0];
    const statements: PolicyStatement[] = [];
    for (const resource of Object.values(this.resources)) {
      const attached = resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties?.Roles ?? []).includes(`{"Ref":"${roleId}"}`);
      if (attached)
        statements.push(...((resource.Properties?.PolicyDocument as { Statement?: Record<string, unknown>[] } | undefined)?.Statement ?? []).map((s) => this.statement(s)));
    }
    const role = roleId ? this.resources[roleId] : undefined;
    for (const inline of (role?.Properties?.Policies as { PolicyDocument?: { Statement?: Record<string, unknown>[] } }[] | undefined) ?? []) {
      statements.push(...(inline.PolicyDocument?.Statement ?? []).map((s) => this.statement(s)));
    }
    return { name: declaration.name, environment, statements };
  }
}
