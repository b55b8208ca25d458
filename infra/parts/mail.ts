import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { ConfigurationSet, ConfigurationSetEventDestination, EmailIdentity, EmailSendingEvent, EventDestination, Identity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import type { FunctionDeclaration } from '../../shared/platform/declarations.js';
import type { MailBinding, ProjectFunction } from '../constructs/projectFunction.js';
import { secureQueue } from '../constructs/secureQueue.js';
import { resourceName, type StageSettings } from '../settings.js';
import type { Operations } from './operations.js';

/**
 * SES for the stage: the domain identity (its DKIM records as outputs), a configuration set whose
 * bounces and complaints go to the default event bus, and the retry queue (with its dead letters)
 * of mails SES refused for a while. Returns what a mail-sending function is bound to.
 */
export const buildMail = (scope: Construct, settings: StageSettings, operations: Operations, declarations: readonly FunctionDeclaration[]): MailBinding => {
  const stack = Stack.of(scope);
  const configurationSet = new ConfigurationSet(scope, 'MailConfigurationSet', {
    configurationSetName: resourceName(settings, 'mail'),
    sendingEnabled: true,
    reputationMetrics: true,
  });
  const identity = new EmailIdentity(scope, 'MailIdentity', {
    identity: Identity.domain(settings.mailDomain),
    configurationSet,
  });
  // Bounces and complaints go to the default event bus, where a rule hands them to mailFeedback.
  const defaultBus = EventBus.fromEventBusName(scope, 'DefaultBus', 'default');
  new ConfigurationSetEventDestination(scope, 'MailFeedbackDestination', {
    configurationSet,
    configurationSetEventDestinationName: 'bounces-and-complaints',
    destination: EventDestination.eventBus(defaultBus),
    events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
  });
  // The identity is created by the stack: publish these CNAMEs in the domain's DNS (Easy DKIM).
  for (const n of [1, 2, 3] as const) {
    new CfnOutput(scope, `MailDkim${n}`, {
      description: `DKIM record ${n} of ${settings.mailDomain}`,
      value: `${identity[`dkimDnsTokenName${n}`]} CNAME ${identity[`dkimDnsTokenValue${n}`]}`,
    });
  }
  const retryDlq = operations.deadLetterQueue(scope, 'MailRetryDlq', 'mail-retry-dlq');
  const retryQueue = secureQueue(scope, 'MailRetryQueue', {
    queueName: resourceName(settings, 'mail-retry'),
    removalPolicy: settings.removalPolicy,
    // At least six times the consumers' timeout (AWS's advice), so a message is not handed to a
    // second invocation while the first still works on it.
    visibilityTimeout: Duration.seconds(
      Math.min(43_200, Math.max(360, 6 * Math.max(0, ...declarations.filter((d) => d.trigger.kind === 'queue').map((d) => d.timeoutSeconds ?? 10)))),
    ),
    deadLetterQueue: { queue: retryDlq, maxReceiveCount: 5 },
  });
  return {
    retryQueue,
    identityArns: [
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: settings.mailDomain }),
      ...(settings.stage === 'dev' ? [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })] : []),
    ],
    ...(settings.stage === 'dev' ? { nagSandboxIdentities: 'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*' } : {}),
    configurationSetArn: stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSet.configurationSetName }),
    configurationSetName: configurationSet.configurationSetName,
    from: settings.mailFrom,
  };
};

/**
 * Bounces and complaints reach each function declaring the `sesFeedback` event rule (mailFeedback,
 * which marks the address): one rule per such function, named after it, with its dead letters.
 */
export const wireSesFeedback = (scope: Construct, settings: StageSettings, operations: Operations, mail: MailBinding, functions: Iterable<ProjectFunction>): void => {
  for (const fn of functions) {
    if (fn.declaration.eventRules?.some((rule) => rule.rule === 'sesFeedback')) wireFeedbackRule(scope, settings, operations, mail, fn);
  }
};

const wireFeedbackRule = (scope: Construct, settings: StageSettings, operations: Operations, mail: MailBinding, fn: ProjectFunction): void => {
  const { name } = fn.declaration;
  const pascal = `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`;
  const kebab = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  const rule = new Rule(scope, `${pascal}Rule`, {
    ruleName: resourceName(settings, kebab),
    description: 'SES bounces and complaints of the tp-sessions configuration set.',
    eventPattern: {
      source: ['aws.ses'],
      detailType: ['Email Bounced', 'Email Complaint Received'],
      detail: { mail: { tags: { 'ses:configuration-set': [mail.configurationSetName] } } },
    },
  });
  const dlq = operations.deadLetterQueue(scope, `${pascal}RuleDlq`, `${kebab}-dlq`);
  rule.addTarget(new LambdaTarget(fn.function, { deadLetterQueue: dlq, retryAttempts: 8, maxEventAge: Duration.hours(24) }));
};
