/**
 * The monthly estimate of a plan: every resource goes through the pricing rule of its type; AWS
 * types that cost nothing by themselves are listed in {@link FREE_TYPES}; any other AWS type is
 * reported as not priced, so nothing disappears from the estimate unsaid.
 */
import type { UsageAssumptions } from "../../infra/config/cost";
import type { PlanInput, PlanResource } from "../policy/plan-input";
import { computeRules } from "./compute";
import { dataRules } from "./data";
import {
  type AwakeTime,
  type CostLine,
  type PricingContext,
  type PricingRule,
  type UnpricedItem,
  SERVICES,
} from "./model";
import { networkRules } from "./network";
import type { PriceTable } from "./prices";
import { serviceRules } from "./services";
import { awakeTimes } from "./sleep";

export const RULES: readonly PricingRule[] = [
  ...computeRules,
  ...networkRules,
  ...dataRules,
  ...serviceRules,
];

/**
 * AWS types with no charge of their own (or billed through another line: launch templates through
 * their nodes, flow logs through their log group). Budgets without actions, Cost Anomaly Detection,
 * Auto Scaling scheduled actions and EventBridge Scheduler (14 million invocations a month free) cost
 * nothing at this scale.
 */
export const FREE_TYPES: readonly string[] = [
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/route:Route",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "aws:ec2/flowLog:FlowLog",
  "aws:eks/addon:Addon",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  "aws:eks/accessEntry:AccessEntry",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  "aws:iam/policy:Policy",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  "aws:kms/alias:Alias",
  // SNS: topics cost nothing; the first million publishes and 1,000 e-mails a month are free.
  "aws:sns/topic:Topic",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:sns/topicSubscription:TopicSubscription",
  "aws:rds/parameterGroup:ParameterGroup",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:elasticache/parameterGroup:ParameterGroup",
  "aws:elasticache/subnetGroup:SubnetGroup",
  // No charge of its own: its members are priced as replication groups; the replication traffic
  // between regions is listed as not estimated.
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  // Records cost nothing of their own (the hosted zone and its queries are not estimated).
  "aws:route53/record:Record",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketVersioningV2:BucketVersioningV2",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:budgets/budget:Budget",
  "aws:costexplorer/anomalyMonitor:AnomalyMonitor",
  "aws:costexplorer/anomalySubscription:AnomalySubscription",
  "aws:autoscaling/schedule:Schedule",
  "aws:scheduler/schedule:Schedule",
  "aws:backup/plan:Plan",
  "aws:backup/selection:Selection",
  // Backup and rotation plumbing (decisions 0110, 0111): what they make is billed elsewhere or listed
  // in NOT_ESTIMATED (restores of the restore tests, rotation function runs, replication transfer).
  "aws:backup/vaultPolicy:VaultPolicy",
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  "aws:backup/restoreTestingPlan:RestoreTestingPlan",
  "aws:backup/restoreTestingSelection:RestoreTestingSelection",
  "aws:cloudwatch/eventRule:EventRule",
  "aws:cloudwatch/eventTarget:EventTarget",
  "aws:sns/topic:Topic",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:secretsmanager/secretRotation:SecretRotation",
  "aws:serverlessrepository/cloudFormationStack:CloudFormationStack",
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  // ECR repositories cost their image storage only (listed in NOT_ESTIMATED); their policies nothing.
  "aws:ecr/repository:Repository",
  "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  "aws:ecr/repositoryPolicy:RepositoryPolicy",
  // WAF logging is billed through its log group's ingestion; a resource policy costs nothing.
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
  // GuardDuty bills by usage (listed in NOT_ESTIMATED); EventBridge delivers AWS service events to
  // rules for free; SNS topics and e-mail notifications cost nothing at the platform's alert volume.
  "aws:guardduty/detector:Detector",
  "aws:guardduty/detectorFeature:DetectorFeature",
  "aws:cloudwatch/eventRule:EventRule",
  "aws:cloudwatch/eventTarget:EventTarget",
  "aws:sns/topic:Topic",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:sns/topicSubscription:TopicSubscription",
];

/** What the estimate leaves out, always printed with it. */
export const NOT_ESTIMATED: readonly string[] = [
  "data transfer to the internet and between AZs (including cross-AZ traffic to NAT gateways and replicas)",
  "API requests to KMS, Secrets Manager and S3",
  "AWS Backup restore tests (the weekly restored RDS instance and EBS volume while they are validated), the master password rotation function's runs, S3 replication transfer of the Vault snapshots, SNS alert deliveries",
  "Route 53 hosted zones and DNS queries",
  "cross-region replication traffic of a warm standby (the PostgreSQL replica's WAL stream and the Redis Global Datastore, inter-region transfer per GB)",
  "CloudWatch metrics, alarms, dashboards and the log ingestion of RDS enhanced monitoring",
  "ECR image storage, EBS snapshots outside AWS Backup, ElastiCache snapshots beyond the free one per node",
  "EKS extended support (6 × the control-plane price) if a cluster stays on a version past standard support",
  "GuardDuty (per analysed EKS audit-log event and per monitored vCPU of Runtime Monitoring)",
  "KMS keys older than a year (each yearly rotation adds 1 USD a month, up to 3 USD per key)",
  "Savings Plans, Reserved Instances and the free tier (they lower the bill); taxes and support plans",
];

export interface Total {
  readonly label: string;
  readonly monthlyUsd: number;
}

export interface Estimate {
  readonly stack: string;
  readonly project: string;
  readonly region: string;
  readonly pricesAsOf: string;
  readonly lines: readonly CostLine[];
  readonly unpriced: readonly UnpricedItem[];
  readonly totalUsd: number;
  /** What the sleep schedules save a month compared with running always. */
  readonly savedBySleepUsd: number;
  readonly byService: readonly Total[];
  readonly byComponent: readonly Total[];
  readonly byResourceType: readonly Total[];
  /** Sleep schedules found, and schedules not understood. */
  readonly sleep: readonly string[];
}

function sum(lines: readonly CostLine[], key: (l: CostLine) => string, order?: readonly string[]): Total[] {
  const totals = new Map<string, number>();
  for (const l of lines) {
    totals.set(key(l), (totals.get(key(l)) ?? 0) + l.monthlyUsd);
  }
  const rows = [...totals].map(([label, monthlyUsd]) => ({ label, monthlyUsd }));
  return order
    ? rows.sort((a, b) => order.indexOf(a.label) - order.indexOf(b.label))
    : rows.sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.label.localeCompare(b.label));
}

function context(
  plan: PlanInput,
  prices: PriceTable,
  usage: UsageAssumptions,
  stackRegion: string,
  awake: ReadonlyMap<string, AwakeTime>,
): PricingContext {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const regionOf = (r: PlanResource): string => {
    const provider = r.providerUrn ? byUrn.get(r.providerUrn) : undefined;
    const region = provider?.props.region;
    return typeof region === "string" && region !== "" ? region : stackRegion;
  };
  const componentOf = (r: PlanResource): string => {
    let top = r;
    for (
      let p = byUrn.get(r.parent ?? "");
      p && p.type !== "pulumi:pulumi:Stack";
      p = byUrn.get(p.parent ?? "")
    ) {
      top = p;
    }
    return top === r && r.custom ? "(stack)" : `${top.name} (${top.type.split(":").pop()})`;
  };
  return {
    resources: plan.resources,
    byUrn,
    prices,
    usage,
    regionOf,
    componentOf,
    awakeOf: (r) => awake.get(r.urn),
    dependenciesOf: (r, type) =>
      r.dependencies.map((d) => byUrn.get(d)).filter((d): d is PlanResource => d?.type === type),
  };
}

/**
 * Prices every resource of the plan. `stackRegion` is the region of resources on the default
 * provider (a real plan's default provider step carries it too).
 */
export function estimate(
  plan: PlanInput,
  prices: PriceTable,
  usage: UsageAssumptions,
  stackRegion: string,
): Estimate {
  const { awake, notes } = awakeTimes(plan.resources);
  const ctx = context(plan, prices, usage, stackRegion, awake);
  const lines: CostLine[] = [];
  const unpriced: UnpricedItem[] = [];
  for (const r of plan.resources) {
    const rule = RULES.find((x) => x.types.includes(r.type));
    if (rule) {
      const priced = rule.price(ctx, r);
      lines.push(...priced.lines);
      unpriced.push(...priced.unpriced);
    } else if (r.type.startsWith("aws:") && !FREE_TYPES.includes(r.type)) {
      unpriced.push({
        component: ctx.componentOf(r),
        resourceType: r.type,
        resource: r.name,
        reason: "no pricing rule for this type (tools/cost/)",
      });
    }
  }
  // Items grouped by component, the costliest component first, in plan order within one.
  const byComponent = sum(lines, (l) => l.component);
  const rank = new Map(byComponent.map((t, i) => [t.label, i]));
  lines.sort((a, b) => rank.get(a.component)! - rank.get(b.component)!);
  const sleeping = [...awake].map(([urn, time]) => `${ctx.byUrn.get(urn)!.name}: ${time.description}`);
  return {
    stack: plan.stack,
    project: plan.project,
    region: stackRegion,
    pricesAsOf: prices.asOf,
    lines,
    unpriced,
    totalUsd: lines.reduce((n, l) => n + l.monthlyUsd, 0),
    savedBySleepUsd: lines.reduce((n, l) => n + (l.savedBySleepUsd ?? 0), 0),
    byService: sum(lines, (l) => l.service, SERVICES),
    byComponent,
    byResourceType: sum(lines, (l) => l.resourceType),
    sleep: [...sleeping, ...notes],
  };
}
