/**
 * The AWS Load Balancer Controller: turns Ingresses of its IngressClass (`alb` by default) into ALBs.
 * Installed from the upstream Helm chart (pinned version) into kube-system, on the system node group
 * (tolerating its taint), with two replicas and its own IAM role through {@link WorkloadIdentity}
 * (EKS Pod Identity).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WorkloadIdentity } from "../cluster/workload-identity";
import { INGRESS_CLASS, SYSTEM_NODE_TOLERATION } from "../shared/workload-defaults";
import { albControllerPolicy } from "./alb-controller-policy";
import { ALB_SSL_POLICY } from "./exposure";
import { DNS_SUBDOMAIN, LABEL_KEY, LABEL_VALUE } from "./kubernetes-names";

/** A toleration of a node taint, as the chart's `tolerations` value takes it. */
export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  /** The taint's value; left out with `Exists`. */
  readonly value?: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface AwsLoadBalancerControllerArgs {
  /** EKS cluster name: the controller tags what it creates with it and the role is bound to it. */
  readonly clusterName: pulumi.Input<string>;
  /** VPC of the cluster (passed explicitly: pods cannot reach the instance metadata service). */
  readonly vpcId: pulumi.Input<string>;
  /** AWS region of the cluster. */
  readonly region: pulumi.Input<string>;
  /** Version of the `aws-load-balancer-controller` chart from https://aws.github.io/eks-charts (pinned, e.g. `1.13.4`). */
  readonly chartVersion: string;
  /** Controller replicas (leader election; the second takes over and serves the webhooks). @default 2 */
  readonly replicas?: number;
  /** Label key and value of the system node group; the pods are pinned there and tolerate its taint. */
  readonly systemNodeLabel: { readonly key: string; readonly value: string };
  /**
   * Tolerations of the controller's pods: the system node group's taint.
   * @default `[SYSTEM_NODE_TOLERATION]` (`CriticalAddonsOnly=true:NoSchedule`, components/shared/workload-defaults.ts)
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Name of the IngressClass the chart creates; exposed services name it (`PlatformService`'s
   * `ingressClassName`). @default `INGRESS_CLASS` ("alb")
   */
  readonly ingressClassName?: string;
  /** AWS partition for the policy's ARNs. @default "aws" */
  readonly partition?: string;
}

export const ALB_CONTROLLER_CHART_REPO = "https://aws.github.io/eks-charts";
export const ALB_CONTROLLER_NAMESPACE = "kube-system";
export const ALB_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";
const CHART_VERSION = /^\d+\.\d+\.\d+$/;

/** Every problem with the args, as sentences; empty when valid. */
export function validateAwsLoadBalancerControllerArgs(args: AwsLoadBalancerControllerArgs): string[] {
  const problems: string[] = [];
  if (!CHART_VERSION.test(args.chartVersion)) {
    problems.push(
      `chartVersion '${args.chartVersion}' must be an exact chart version like 1.13.4 (no ranges: upgrades are deliberate)`,
    );
  }
  const replicas = args.replicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
    problems.push(`replicas ${replicas} must be an integer from 1 to 5 (2 survives the loss of a node)`);
  }
  if (!LABEL_KEY.test(args.systemNodeLabel.key) || !LABEL_VALUE.test(args.systemNodeLabel.value)) {
    problems.push(
      `systemNodeLabel '${args.systemNodeLabel.key}=${args.systemNodeLabel.value}' must be a valid Kubernetes label key and value`,
    );
  }
  if (args.ingressClassName !== undefined && !DNS_SUBDOMAIN.test(args.ingressClassName)) {
    problems.push(
      `ingressClassName '${args.ingressClassName}' must be an IngressClass name: lowercase letters, digits, '-' and '.'`,
    );
  }
  (args.tolerations ?? []).forEach((t, i) => {
    if (!LABEL_KEY.test(t.key) || (t.value !== undefined && !LABEL_VALUE.test(t.value))) {
      problems.push(`tolerations[${i}] '${t.key}=${t.value ?? ""}' must have a valid taint key and value`);
    }
    if (t.operator === "Exists" && t.value !== undefined) {
      problems.push(`tolerations[${i}] '${t.key}' has operator Exists and a value; leave the value out`);
    }
  });
  return problems;
}

/** The controller's IAM policy, scoped to this cluster and its VPC (in the provider's account). */
function controllerPolicyJson(
  args: AwsLoadBalancerControllerArgs,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const partition = args.partition ?? "aws";
  const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
  return pulumi
    .all([args.clusterName, args.vpcId, args.region, account])
    .apply(([clusterName, vpcId, region, accountId]) =>
      JSON.stringify(
        albControllerPolicy({
          partition,
          clusterName,
          vpcArn: `arn:${partition}:ec2:${region}:${accountId}:vpc/${vpcId}`,
        }),
      ),
    );
}

export class AwsLoadBalancerController extends pulumi.ComponentResource {
  /** ARN of the controller's IAM role. */
  public readonly roleArn: pulumi.Output<string>;
  /** Helm release name (also the controller's Deployment and ServiceAccount name). */
  public readonly releaseName: pulumi.Output<string>;
  /** The IngressClass the chart creates and Ingresses name. */
  public readonly ingressClassName: string;

  constructor(name: string, args: AwsLoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:workloads:AwsLoadBalancerController", name, {}, opts);
    const problems = validateAwsLoadBalancerControllerArgs(args);
    if (problems.length > 0) {
      throw new Error(
        `AwsLoadBalancerController '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`,
      );
    }
    this.ingressClassName = args.ingressClassName ?? INGRESS_CLASS;
    const tolerations = args.tolerations ?? [SYSTEM_NODE_TOLERATION];
    const identity = new WorkloadIdentity(
      `${name}-identity`,
      {
        clusterName: args.clusterName,
        namespace: ALB_CONTROLLER_NAMESPACE,
        serviceAccount: ALB_CONTROLLER_SERVICE_ACCOUNT,
        policyJson: controllerPolicyJson(args, this),
      },
      { parent: this },
    );
    const release = new k8s.helm.v3.Release(
      name,
      {
        name: "aws-load-balancer-controller",
        chart: "aws-load-balancer-controller",
        version: args.chartVersion,
        repositoryOpts: { repo: ALB_CONTROLLER_CHART_REPO },
        namespace: ALB_CONTROLLER_NAMESPACE,
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 10,
        timeout: 600,
        values: {
          clusterName: args.clusterName,
          region: args.region,
          vpcId: args.vpcId,
          replicaCount: args.replicas ?? 2,
          serviceAccount: { create: true, name: ALB_CONTROLLER_SERVICE_ACCOUNT },
          nodeSelector: { [args.systemNodeLabel.key]: args.systemNodeLabel.value },
          tolerations: tolerations.map((t) => ({ ...t })),
          podDisruptionBudget: { maxUnavailable: 1 },
          createIngressClassResource: true,
          ingressClass: this.ingressClassName,
          defaultSSLPolicy: ALB_SSL_POLICY,
          // WAF Classic and Shield Advanced are not used, and the role may not call them (decision 0136);
          // WAFv2 web ACLs (the edge's) are attached through the controller.
          enableWaf: false,
          enableShield: false,
          enableWafv2: true,
          // Services of type LoadBalancer are not used (the service quotas forbid them): leave them alone.
          enableServiceMutatorWebhook: false,
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
        },
      },
      // The Pod Identity association must exist before the controller's pods start.
      { parent: this, dependsOn: [identity] },
    );
    this.roleArn = identity.roleArn;
    this.releaseName = release.name;
    this.registerOutputs({ roleArn: this.roleArn, releaseName: this.releaseName });
  }
}
