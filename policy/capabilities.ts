/**
 * What each readiness category is made of (docs/decisions/0085-capability-scorecard.md).
 *
 * A category is a list of capabilities; a capability is proven by policies of the pack. The
 * scorecard counts capabilities, not policies: a capability no policy proves today, or whose
 * policies found nothing to judge (not applicable, disabled, unknown during preview), counts as
 * failed, unless the stack's policy config excludes it with a reason (`readiness-exclusions`).
 *
 * To make a policy count: add its name to the `policies` of the capability it proves (one line).
 * Every policy of the pack must prove at least one capability, and its `category` must be the
 * category of one of them (test/policy/capabilities.test.ts).
 */
import type { ReadinessCategory, ReadinessGroup } from "./lib/types";

export interface Capability {
  /** Kebab-case, permanent: stack configs name it to exclude it. */
  readonly id: string;
  readonly category: ReadinessCategory;
  /** The go/no-go group its score counts for. */
  readonly group: ReadinessGroup;
  /** What the platform must have, in one sentence. */
  readonly title: string;
  /** The policies that prove it; empty when no policy of the pack can prove it yet. */
  readonly policies: readonly string[];
}

export const CAPABILITIES: readonly Capability[] = [
  // ---- Container Orchestration ------------------------------------------------------------------
  {
    id: "pod-security-context",
    category: "Container Orchestration",
    group: "Security",
    title:
      "Containers run non-root, seccomp-confined, read-only, without privileges, capabilities or host access.",
    policies: [
      "pod-run-as-non-root",
      "pod-seccomp-runtime-default",
      "container-no-privilege-escalation",
      "container-read-only-root-filesystem",
      "container-drop-all-capabilities",
      "pod-no-host-access",
    ],
  },
  {
    id: "pod-security-admission",
    category: "Container Orchestration",
    group: "Security",
    title:
      "Namespaces enforce the restricted Pod Security Standard; service accounts do not automount tokens.",
    policies: [
      "namespace-pod-security-restricted",
      "service-account-no-automount",
      "workload-no-default-service-account",
    ],
  },
  {
    id: "admission-guardrails",
    category: "Container Orchestration",
    group: "Security",
    title:
      "The cluster itself refuses what the pack forbids (registry, pinned images, resources, service accounts, restricted namespaces), outside a few system namespaces.",
    policies: ["admission-guardrails-present"],
  },
  {
    id: "cluster-hardening",
    category: "Container Orchestration",
    group: "Security",
    title:
      "The cluster encrypts secrets and runs a supported version; nodes require IMDSv2 and offer no SSH.",
    policies: [
      "eks-secrets-encryption",
      "eks-supported-version",
      "eks-imdsv2-required",
      "eks-node-group-no-ssh",
    ],
  },
  {
    id: "resource-governance",
    category: "Container Orchestration",
    group: "Scalability",
    title: "Every container declares CPU and memory requests and limits.",
    policies: ["container-resources-set"],
  },
  {
    id: "health-probes",
    category: "Container Orchestration",
    group: "Reliability",
    title: "Long-running containers have readiness and liveness probes.",
    policies: ["container-probes-set"],
  },
  {
    id: "redundant-replicas",
    category: "Container Orchestration",
    group: "Reliability",
    title: "Workloads run at least the configured number of replicas (HPA minimum or spec.replicas).",
    policies: ["workload-min-replicas"],
  },
  {
    id: "disruption-budgets",
    category: "Container Orchestration",
    group: "Reliability",
    title: "Replicated workloads have PodDisruptionBudgets that still allow node drains.",
    policies: ["workload-has-pdb"],
  },
  {
    id: "system-node-isolation",
    category: "Container Orchestration",
    group: "Reliability",
    title: "Cluster add-ons run on a dedicated on-demand node group.",
    policies: ["eks-system-node-group"],
  },

  // ---- Network Security -------------------------------------------------------------------------
  {
    id: "private-control-plane",
    category: "Network Security",
    group: "Security",
    title: "The Kubernetes API is reachable privately and not from the whole internet.",
    policies: ["eks-endpoint-private-access", "eks-public-endpoint-restricted"],
  },
  {
    id: "private-placement",
    category: "Network Security",
    group: "Security",
    title: "Nodes sit in private subnets, data in isolated ones; nothing gets a public IP by default.",
    policies: [
      "eks-nodes-in-private-subnets",
      "data-in-isolated-subnets",
      "subnet-no-auto-public-ip",
      "rds-not-publicly-accessible",
    ],
  },
  {
    id: "restricted-ingress",
    category: "Network Security",
    group: "Security",
    title: "Security groups admit the internet only on 80/443 of load balancers; default groups are empty.",
    policies: ["security-group-no-public-ingress", "default-security-group-no-rules"],
  },
  {
    id: "pod-network-policies",
    category: "Network Security",
    group: "Security",
    title: "Every namespace with workloads denies traffic by default.",
    policies: ["namespace-default-deny-network-policy"],
  },
  {
    id: "encryption-in-transit",
    category: "Network Security",
    group: "Security",
    title: "The database and Vault accept only TLS connections.",
    policies: ["rds-tls-enforced", "vault-listener-tls"],
  },
  {
    id: "web-application-firewall",
    category: "Network Security",
    group: "Security",
    title: "Internet-facing load balancers sit behind a web application firewall.",
    policies: ["public-ingress-has-waf"],
  },

  // ---- Storage and Backup -----------------------------------------------------------------------
  {
    id: "encryption-at-rest",
    category: "Storage and Backup",
    group: "Security",
    title:
      "Databases, caches, volumes, buckets, backups and secrets are encrypted with customer-managed keys.",
    policies: [
      "rds-encrypted-cmk",
      "elasticache-encrypted",
      "ebs-volumes-encrypted",
      "storage-class-encrypted",
      "s3-bucket-encrypted-cmk",
      "backup-vault-cmk",
      "secretsmanager-secret-cmk",
    ],
  },
  {
    id: "key-management",
    category: "Storage and Backup",
    group: "Security",
    title: "KMS keys rotate and wait long enough before deletion to be recovered.",
    policies: [
      "kms-key-rotation-enabled",
      "kms-key-deletion-window",
      "secret-rotation-enabled", // database and cache credentials rotate (issue 13)
    ],
  },
  {
    id: "private-buckets",
    category: "Storage and Backup",
    group: "Security",
    title: "S3 buckets block public access.",
    policies: ["s3-bucket-public-access-blocked"],
  },
  {
    id: "automated-backups",
    category: "Storage and Backup",
    group: "Reliability",
    title: "The database and cache keep automated backups for the configured number of days.",
    policies: ["rds-backup-retention", "elasticache-snapshot-retention"],
  },
  {
    id: "backup-schedule",
    category: "Storage and Backup",
    group: "Reliability",
    title: "A backup plan copies stateful data on a schedule (every 6 hours, kept 30 days).",
    policies: ["backup-plan-coverage"],
  },

  // ---- Monitoring and Observability -------------------------------------------------------------
  {
    id: "metrics-stack",
    category: "Monitoring and Observability",
    group: "Reliability",
    title: "Metrics are scraped and stored (Prometheus or equivalent) with dashboards.",
    policies: ["metrics-stack-with-alert-routing", "platform-services-scraped"],
  },
  {
    id: "alert-routing",
    category: "Monitoring and Observability",
    group: "Reliability",
    title: "Alerts have rules and reach a human (Alertmanager routes, SNS topics).",
    policies: [
      "metrics-stack-with-alert-routing",
      "sns-topic-encrypted-cmk",
      "alerting-addresses-not-placeholders",
    ],
  },
  {
    id: "logs-shipped",
    category: "Monitoring and Observability",
    group: "Reliability",
    title: "Container logs are shipped off the nodes to a central store.",
    policies: ["container-logs-shipped"],
  },
  {
    id: "tracing",
    category: "Monitoring and Observability",
    group: "Reliability",
    title: "Requests are traced across services (OpenTelemetry or Jaeger).",
    policies: ["trace-gateway-present"],
  },
  {
    id: "stateful-service-alarms",
    category: "Monitoring and Observability",
    group: "Reliability",
    title: "The database and cache have alarms on their health and capacity.",
    policies: ["stateful-services-alarmed"],
  },
  {
    id: "database-telemetry",
    category: "Monitoring and Observability",
    group: "Reliability",
    title: "The database exports its logs, enhanced monitoring and Performance Insights.",
    policies: ["rds-monitoring-enabled"],
  },
  {
    id: "log-storage",
    category: "Monitoring and Observability",
    group: "Security",
    title: "Log groups are encrypted and kept for the configured number of days.",
    policies: ["cloudwatch-log-group-encrypted", "cloudwatch-log-group-retention"],
  },
  {
    id: "flow-logs",
    category: "Monitoring and Observability",
    group: "Security",
    title: "Every VPC records all its traffic in flow logs.",
    policies: ["vpc-flow-logs-enabled"],
  },
  {
    id: "load-balancer-access-logs",
    category: "Monitoring and Observability",
    group: "Security",
    title: "Application Load Balancers write access logs to S3.",
    policies: ["alb-access-logs-enabled"],
  },
  {
    id: "control-plane-logs",
    category: "Monitoring and Observability",
    group: "Security",
    title: "The EKS control plane sends every log type to CloudWatch.",
    policies: ["eks-control-plane-logging"],
  },
  {
    id: "threat-detection",
    category: "Monitoring and Observability",
    group: "Security",
    title: "GuardDuty watches the cluster's audit logs and runtime, and its findings reach the alert topic.",
    policies: ["guardduty-eks-protection"],
  },

  // ---- CI/CD ------------------------------------------------------------------------------------
  {
    id: "scoped-delivery-identity",
    category: "CI/CD",
    group: "Security",
    title:
      "The delivery pipeline assumes a role trusted only for this repository and its protected branches.",
    policies: ["ci-role-trust-scoped"],
  },
  {
    id: "hardened-registry",
    category: "CI/CD",
    group: "Security",
    title:
      "Image repositories scan on push, keep tags immutable and encrypt with a customer-managed key; workloads run images from them or an explicit allow-list.",
    policies: ["ecr-repository-hardened", "images-from-platform-registry"],
  },
  {
    id: "pinned-artifacts",
    category: "CI/CD",
    group: "Automation",
    title: "Images and charts are pinned to versions or digests.",
    policies: ["container-image-pinned", "helm-release-pinned"],
  },
  {
    id: "rollout-safety",
    category: "CI/CD",
    group: "Reliability",
    title: "Rollouts are bounded: a stuck rollout fails the deploy, which the pipeline rolls back.",
    policies: ["deployment-rollout-bounded"],
  },
  {
    id: "progressive-delivery",
    category: "CI/CD",
    group: "Reliability",
    title:
      "Services exposed to users release by canary judged on metrics, rolled back automatically on failure.",
    policies: ["public-service-canary-release"],
  },

  // ---- Infrastructure as Code -------------------------------------------------------------------
  {
    id: "governance-tags",
    category: "Infrastructure as Code",
    group: "Automation",
    title: "Every taggable resource carries the governance tags.",
    policies: ["required-tags"],
  },
  {
    id: "pinned-platform-versions",
    category: "Infrastructure as Code",
    group: "Automation",
    title: "EKS add-ons pin their versions, so upgrades are reviewed changes.",
    policies: ["eks-addon-version-pinned"],
  },
  {
    id: "no-plaintext-credentials",
    category: "Infrastructure as Code",
    group: "Security",
    title: "No credential sits in plain text in container env or ConfigMaps.",
    policies: ["no-plaintext-credentials"],
  },

  // ---- Multi-Environment ------------------------------------------------------------------------
  {
    id: "environment-tagging",
    category: "Multi-Environment",
    group: "Automation",
    title: "Every AWS provider tags resources with the environment they belong to.",
    policies: ["aws-provider-default-tags"],
  },
  {
    id: "namespace-quotas",
    category: "Multi-Environment",
    group: "Scalability",
    title: "Namespaces with workloads have a ResourceQuota and a LimitRange.",
    policies: ["namespace-quota-and-limits"],
  },
  {
    id: "cost-budgets",
    category: "Multi-Environment",
    group: "Automation",
    title:
      "Each environment has a cost budget that alerts before it is spent, and one tagged AutoShutdown=true really sleeps.",
    policies: ["budget-alerts-configured", "auto-shutdown-scheduled"],
  },

  // ---- Disaster Recovery ------------------------------------------------------------------------
  {
    id: "multi-az",
    category: "Disaster Recovery",
    group: "Reliability",
    title: "The network, nodes, database, cache and NAT egress survive losing one availability zone.",
    policies: [
      "vpc-min-availability-zones",
      "eks-node-group-multi-az",
      "rds-multi-az",
      "elasticache-high-availability",
      "nat-gateway-per-az",
    ],
  },
  {
    id: "cross-region-copies",
    category: "Disaster Recovery",
    group: "Reliability",
    title: "Backups are copied to another region.",
    policies: ["rds-cross-region-backup", "backup-cross-region-copy"],
  },
  {
    id: "recovery-objectives",
    category: "Disaster Recovery",
    group: "Reliability",
    title: "The stack states RTO and RPO targets its backups and replicas can achieve.",
    policies: ["recovery-objectives-achievable", "standby-replicas-promotable"],
  },
  {
    id: "deletion-safeguards",
    category: "Disaster Recovery",
    group: "Reliability",
    title: "Stateful resources are protected from deletion.",
    policies: ["stateful-resources-protected", "rds-deletion-protection", "backup-vault-deletion-protected"],
  },

  // ---- Auto-scaling -----------------------------------------------------------------------------
  {
    id: "workload-autoscaling",
    category: "Auto-scaling",
    group: "Scalability",
    title: "Replicated workloads are scaled by a HorizontalPodAutoscaler with room to grow.",
    policies: ["workload-has-hpa"],
  },
  {
    id: "node-autoscaling",
    category: "Auto-scaling",
    group: "Scalability",
    title: "Node groups can scale, and Spot groups offer several instance types.",
    policies: ["eks-node-group-scalable", "eks-spot-instance-diversity"],
  },

  // ---- Cloud Integration ------------------------------------------------------------------------
  {
    id: "least-privilege-iam",
    category: "Cloud Integration",
    group: "Security",
    title: "No role gets administrator access.",
    policies: ["iam-no-admin-access"],
  },
  {
    id: "private-aws-endpoints",
    category: "Cloud Integration",
    group: "Security",
    title: "Nodes reach AWS APIs through VPC endpoints.",
    policies: ["vpc-endpoints-present"],
  },
];

export const CAPABILITY_IDS: readonly string[] = CAPABILITIES.map((c) => c.id);
