/**
 * Observability: a KMS-encrypted alarm topic, alarms on every DLQ (any visible message), on failed claim
 * executions and on Lambda errors, and one dashboard.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ClaimflowFunction } from '../lib/function';
import type { QueueWithDlq } from '../lib/queue';

export interface ObservabilityProps {
  opsKey: IKey;
  queues: Record<string, QueueWithDlq>;
  functions: ClaimflowFunction[];
  stateMachine: IStateMachine;
  alarmEmail?: string;
}

export class Observability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'claimflow alarms',
      masterKey: props.opsKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (alarmId: string, metric: IMetric, description: string) => {
      const a = new Alarm(this, alarmId, {
        metric,
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    const dlqMetrics: IMetric[] = [];
    for (const [name, q] of Object.entries(props.queues)) {
      const metric = q.dlq.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      });
      dlqMetrics.push(metric);
      alarm(`${name}DlqAlarm`, metric, `Messages in the ${name} dead-letter queue: inspect and redrive.`);
    }
    const failed = props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' });
    alarm('ExecutionsFailedAlarm', failed, 'Claim state machine executions failed.');
    const errorMetrics: IMetric[] = [];
    for (const f of props.functions) {
      const metric = f.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' });
      errorMetrics.push(metric);
      alarm(`${pascal(f.name)}ErrorsAlarm`, metric, `Errors in the ${f.name} function.`);
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new GraphWidget({
            title: 'Claim executions',
            left: [props.stateMachine.metricStarted(), props.stateMachine.metricSucceeded(), failed],
            width: 12,
          }),
          new SingleValueWidget({ title: 'Dead-letter queues (visible)', metrics: dlqMetrics, width: 12 }),
        ],
        [
          new GraphWidget({ title: 'Lambda errors', left: errorMetrics, width: 12 }),
          new GraphWidget({
            title: 'Lambda duration p95',
            left: props.functions.map((f) => f.fn.metricDuration({ statistic: 'p95' })),
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Queue depth',
            left: Object.values(props.queues).map((q) => q.queue.metricApproximateNumberOfMessagesVisible()),
            width: 24,
          }),
        ],
      ],
    });
  }
}

const pascal = (s: string) => s.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
