/**
 * One hardened service on the cluster, from one declaration: its own namespace (Pod Security
 * Standards `restricted`, quota, LimitRange, default-deny network policies), a ServiceAccount with
 * no API token, a Deployment with locked-down security contexts, probes and graceful shutdown, a
 * ClusterIP Service, an HTTPS-only ALB Ingress when exposed, an Argo Rollouts Rollout with
 * Prometheus analysis instead of the Deployment for a canary release (decision 0150), an HPA when autoscaling is declared and
 * a PodDisruptionBudget that never blocks a drain. On request: secrets from Vault through the agent
 * injector (decision 0056) and a read-only Role on the Kubernetes API (decision 0043).
 *
 * The constructor lists the steps; each lives in a file named after what it builds. Platform
 * conventions (monitoring namespace, IngressClass, Vault) are arguments with this platform's values
 * as defaults (`conventions.ts`, decision 0060).
 *
 * All Kubernetes objects use the provider the caller passes (`opts.provider` or
 * `opts.providers`); the optional AWS role goes through `WorkloadIdentity` (components/cluster).
 */
import * as pulumi from "@pulumi/pulumi";
import { createExposure } from "./exposure";
import { createKubernetesApiAccess } from "./kubernetes-api-access";
import { createNamespace, createNamespaceGuardrails } from "./namespace-guardrails";
import { createNetworkPolicies } from "./network-policies";
import { createObservability } from "./observability";
import { createScaling } from "./scaling";
import { describeService, inNamespace } from "./scope";
import { validatePlatformServiceArgs, type PlatformServiceArgs } from "./service-args";
import { createAwsIdentity, createServiceAccount } from "./service-identity";
import { createVaultCaCertificate } from "./vault-access";
import { createWorkload } from "./workload";

export { validatePlatformServiceArgs, type DataEndpoint, type PlatformServiceArgs } from "./service-args";

/** A hardened service: namespace, identity, workload, exposure, scaling and network isolation. */
export class PlatformService extends pulumi.ComponentResource {
  /** Namespace holding every object of the service (named after the service). */
  public readonly namespace: pulumi.Output<string>;
  /** In-cluster DNS name of the Service: `<name>.<name>.svc.cluster.local`. */
  public readonly clusterHost: pulumi.Output<string>;
  /** The name of the Deployment, or of the Rollout for a canary release (the same: the service's name). */
  public readonly deploymentName: pulumi.Output<string>;
  /** `Deployment` (rolling release) or `Rollout` (canary release, docs/decisions/0150). */
  public readonly workloadKind: "Deployment" | "Rollout";
  /** ARN of the service's AWS role; undefined without `awsPolicyJson`. */
  public readonly roleArn: pulumi.Output<string> | undefined;
  /** Public or internal host name of the ALB; undefined when not exposed. */
  public readonly loadBalancerHostname: pulumi.Output<string> | undefined;

  constructor(name: string, args: PlatformServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:workloads:Service", name, {}, opts);
    const problems = validatePlatformServiceArgs(args);
    if (problems.length > 0) {
      throw new Error(`PlatformService '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    const base = describeService(name, args, this);
    const scope = inNamespace(base, createNamespace(base).metadata.name);
    createNamespaceGuardrails(scope);

    const serviceAccount = createServiceAccount(scope);
    if (args.kubernetesApi) {
      createKubernetesApiAccess(scope, args.kubernetesApi, serviceAccount);
    }
    const vaultCa = args.vault ? createVaultCaCertificate(scope) : undefined;
    const awsIdentity =
      args.awsPolicyJson !== undefined ? createAwsIdentity(scope, args.awsPolicyJson) : undefined;

    const { workload, service } = createWorkload(scope, {
      serviceAccount,
      dependsOn: [...(awsIdentity ? [awsIdentity] : []), ...(vaultCa ? [vaultCa] : [])],
    });
    const ingress = args.expose ? createExposure(scope, args.expose, service) : undefined;
    createScaling(scope, workload);
    createNetworkPolicies(scope, { awsIdentity: awsIdentity !== undefined });
    createObservability(scope);

    this.namespace = scope.namespace;
    this.clusterHost = pulumi.interpolate`${service.metadata.name}.${scope.namespace}.svc.cluster.local`;
    this.deploymentName = workload.name;
    this.workloadKind = workload.kind;
    this.roleArn = awsIdentity?.roleArn;
    this.loadBalancerHostname = ingress?.status.loadBalancer.ingress.apply(
      (entries) => entries?.[0]?.hostname ?? "",
    );
    this.registerOutputs({
      namespace: this.namespace,
      clusterHost: this.clusterHost,
      deploymentName: this.deploymentName,
      roleArn: this.roleArn,
      loadBalancerHostname: this.loadBalancerHostname,
    });
  }
}
