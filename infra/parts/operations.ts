import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, LegendPosition, Metric, TextWidget, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ProjectFunction } from '../constructs/projectFunction.js';
import { secureQueue } from '../constructs/secureQueue.js';
import { resourceName, type StageSettings } from '../settings.js';

/**
 * What the operators are told and shown: the alarm topic (with a key of its own), an alarm helper
 * every part uses, the registry of dead-letter queues (each watched), and the stage's dashboard.
 * Resources are created in the scope each caller gives (the stack or a function), so their
 * logical ids are those of the single-class stack this was split from.
 */
export class Operations {
  readonly alarmTopic: Topic;
  /** Every dead-letter queue, each watched by an alarm. */
  private readonly deadLetterQueues: { readonly scope: Construct; readonly id: string; readonly queue: Queue }[] = [];

  constructor(
    private readonly stack: Stack,
    private readonly settings: StageSettings,
  ) {
    // A key of its own: CloudWatch must be allowed to use it to publish, and that permission has no
    // business on the key that protects the data.
    const key = new Key(stack, 'AlarmKey', {
      alias: `alias/${resourceName(settings, 'alarms')}`,
      description: 'Encrypts the operators alarm topic of tp-sessions.',
      enableKeyRotation: true,
      removalPolicy: settings.removalPolicy,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.alarmTopic = new Topic(stack, 'AlarmTopic', {
      topicName: resourceName(settings, 'alarms'),
      displayName: 'tp-sessions : alertes exploitation',
      masterKey: key,
      enforceSSL: true,
    });
    if (settings.operatorsEmail) this.alarmTopic.addSubscription(new EmailSubscription(settings.operatorsEmail));
  }

  alarm(scope: Construct, id: string, metric: IMetric, description: string, threshold = 0): Alarm {
    const alarm = new Alarm(scope, `${id}Alarm`, {
      alarmName: resourceName(this.settings, scope === this.stack ? id : `${scope.node.id}-${id}`),
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    return alarm;
  }

  /** A dead-letter queue, registered so that `watch` puts an alarm and a graph on its depth. */
  deadLetterQueue(scope: Construct, id: string, queueName: string): Queue {
    const queue = secureQueue(scope, id, { queueName: resourceName(this.settings, queueName), removalPolicy: this.settings.removalPolicy });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `${scope === this.stack ? id : `${scope.node.id}/${id}`}: ${queueName} is itself a dead-letter queue (the last stop of failed deliveries); a queue behind it would never be read.`,
    });
    this.deadLetterQueues.push({ scope, id, queue });
    return queue;
  }

  /**
   * Once everything is built: an alarm on each dead-letter queue's depth, and what the operators
   * watch beyond each function: the API's 5xx and latency, SES's bounce and complaint rates (SES
   * reviews an account from 5 % bounces or 0.1 % complaints, and may pause its sending at 10 % and
   * 0.5 %), and one dashboard for the stage with those and every function.
   */
  watch(api: HttpApi, functions: readonly ProjectFunction[]): void {
    for (const { scope, id: dlqId, queue } of this.deadLetterQueues) {
      this.alarm(scope, `${dlqId}Depth`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }), `Messages waiting in ${queue.node.path}`);
    }
    const fiveMinutes = Duration.minutes(5);
    const api5xx = api.metricServerError({ period: fiveMinutes, statistic: 'Sum' });
    const apiLatency = api.metricLatency({ period: fiveMinutes, statistic: 'p95' });
    const reputation = (metricName: string) => new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    const bounceRate = reputation('Reputation.BounceRate');
    const complaintRate = reputation('Reputation.ComplaintRate');
    this.alarm(this.stack, 'Api5xx', api5xx, 'The API answered 5xx (a function failed or timed out)');
    this.alarm(this.stack, 'ApiLatency', apiLatency, 'p95 latency of the API above 3 s over 5 minutes', 3000);
    this.alarm(this.stack, 'MailBounceRate', bounceRate, 'SES bounce rate of the account above 4 % (SES reviews it from 5 %)', 0.04);
    this.alarm(this.stack, 'MailComplaintRate', complaintRate, 'SES complaint rate of the account above 0.08 % (SES reviews it from 0.1 %)', 0.0008);

    const perFunction = (title: string, metric: (fn: ProjectFunction) => IMetric, among = functions) =>
      new GraphWidget({ title, width: 12, left: among.map(metric), legendPosition: LegendPosition.RIGHT });
    const streamConsumers = functions.filter((fn) => fn.declaration.trigger.kind === 'stream');
    const dashboard = new Dashboard(this.stack, 'Dashboard', {
      // Named in prod only, where operators look it up; dev gets a generated name.
      ...(this.settings.stage === 'prod' ? { dashboardName: resourceName(this.settings, 'operations') } : {}),
      defaultInterval: Duration.days(1),
    });
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# tp-sessions ${this.settings.stage}\nAPI, mails, stream consumers and every function. Alarms go to the operators topic.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({ title: 'API : 5xx et 4xx', width: 12, left: [api5xx, api.metricClientError({ period: fiveMinutes, statistic: 'Sum' })] }),
      new GraphWidget({ title: 'API : latence p95 (ms)', width: 12, left: [apiLatency] }),
    );
    dashboard.addWidgets(
      new GraphWidget({ title: 'SES : taux de rebonds et de plaintes', width: 12, left: [bounceRate, complaintRate] }),
      perFunction(
        'Flux : retard de lecture (IteratorAge, ms)',
        (fn) => fn.function.metric('IteratorAge', { statistic: 'Maximum', period: fiveMinutes, label: fn.declaration.name }),
        streamConsumers,
      ),
    );
    dashboard.addWidgets(
      perFunction('Erreurs par fonction', (fn) => fn.function.metricErrors({ period: fiveMinutes, label: fn.declaration.name })),
      perFunction('Durée p95 par fonction (ms)', (fn) => fn.function.metricDuration({ period: fiveMinutes, statistic: 'p95', label: fn.declaration.name })),
    );
    dashboard.addWidgets(
      perFunction('Limitations (throttles)', (fn) => fn.function.metricThrottles({ period: fiveMinutes, label: fn.declaration.name })),
      new GraphWidget({
        title: 'Files de lettres mortes',
        width: 12,
        left: this.deadLetterQueues.map(({ queue, id }) => queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, label: id })),
      }),
    );
  }
}
