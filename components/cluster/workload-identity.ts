/**
 * Workload identity: gives one Kubernetes service account an AWS IAM role, and nothing else may use
 * that role. Every component that runs pods needing AWS APIs (add-ons, autoscaler, Vault, workloads,
 * backup) goes through this helper, so the trust policy is written once and reviewed once.
 *
 * - `pod-identity` (default): an EKS Pod Identity association. The role trusts
 *   `pods.eks.amazonaws.com` (`sts:AssumeRole` + `sts:TagSession`) only for this account
 *   (`aws:SourceAccount`) and when the session tags EKS adds name this cluster (ARN and name),
 *   namespace and service account.
 * - `irsa`: the role trusts the cluster's OIDC provider for exactly `system:serviceaccount:<ns>:<sa>`
 *   with audience `sts.amazonaws.com`; the service account must carry the
 *   `eks.amazonaws.com/role-arn` annotation (the consumer sets it from {@link WorkloadIdentity.roleArn}).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface WorkloadIdentityArgs {
  /** Name of the EKS cluster whose pods may assume the role. */
  readonly clusterName: pulumi.Input<string>;
  /** Kubernetes namespace of the service account (a DNS-1123 label). */
  readonly namespace: string;
  /** Kubernetes service account name (a DNS-1123 subdomain). */
  readonly serviceAccount: string;
  /**
   * Inline IAM policy JSON granted to the role.
   * @default no inline policy (then at least one managed policy ARN is required)
   */
  readonly policyJson?: pulumi.Input<string>;
  /**
   * Managed policy ARNs attached to the role (managed exclusively: attachments made outside this
   * program are removed).
   * @default none (then `policyJson` is required)
   */
  readonly managedPolicyArns?: readonly pulumi.Input<string>[];
  /**
   * "pod-identity" (default): aws.eks.PodIdentityAssociation + trust of pods.eks.amazonaws.com
   * (sts:AssumeRole, sts:TagSession) conditioned on `aws:SourceAccount` and the session tags
   * `eks-cluster-arn`, `eks-cluster-name`, `kubernetes-namespace` and `kubernetes-service-account`. "irsa": trust of the cluster OIDC
   * provider, StringEquals on <issuer>:sub = system:serviceaccount:<ns>:<sa> and
   * <issuer>:aud = sts.amazonaws.com.
   * @default "pod-identity"
   */
  readonly mechanism?: "pod-identity" | "irsa";
  /** ARN of the cluster's IAM OIDC provider; required for irsa, rejected for pod-identity. */
  readonly oidcProviderArn?: pulumi.Input<string>;
  /** Issuer host/path without https:// (e.g. `oidc.eks.us-west-2.amazonaws.com/id/ABC`); required for irsa. */
  readonly oidcIssuer?: pulumi.Input<string>;
}

/** Kubernetes DNS-1123 label (namespaces) and subdomain (service accounts). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Every problem with the args, as sentences; empty when valid. Pure, so tests call it directly. */
export function validateWorkloadIdentityArgs(args: WorkloadIdentityArgs): string[] {
  const problems: string[] = [];
  const mechanism = args.mechanism ?? "pod-identity";
  if (!DNS_LABEL.test(args.namespace)) {
    problems.push(
      `namespace '${args.namespace}' must be a DNS-1123 label (lowercase letters, digits, '-', at most 63 characters)`,
    );
  }
  if (!DNS_SUBDOMAIN.test(args.serviceAccount)) {
    problems.push(
      `serviceAccount '${args.serviceAccount}' must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')`,
    );
  }
  if (args.policyJson === undefined && (args.managedPolicyArns ?? []).length === 0) {
    problems.push(
      "grant something: set policyJson, managedPolicyArns or both (a role without permissions is a mistake)",
    );
  }
  if (mechanism === "irsa") {
    if (args.oidcProviderArn === undefined) {
      problems.push("mechanism 'irsa' needs oidcProviderArn (the cluster's IAM OIDC provider)");
    }
    if (args.oidcIssuer === undefined) {
      problems.push("mechanism 'irsa' needs oidcIssuer (issuer host/path without https://)");
    } else if (typeof args.oidcIssuer === "string" && args.oidcIssuer.startsWith("https://")) {
      problems.push(
        `oidcIssuer '${args.oidcIssuer}' must be given without the https:// scheme, as IAM condition keys use it`,
      );
    }
  } else if (mechanism === "pod-identity") {
    if (args.oidcProviderArn !== undefined || args.oidcIssuer !== undefined) {
      problems.push(
        "oidcProviderArn and oidcIssuer are only used with mechanism 'irsa'; remove them or set mechanism: 'irsa'",
      );
    }
  } else {
    problems.push(`mechanism '${String(mechanism)}' is not supported; use 'pod-identity' or 'irsa'`);
  }
  return problems;
}

/** Where a Pod Identity role may be used: the cluster (name and ARN), its account, one service account. */
export interface PodIdentityScope {
  readonly clusterName: pulumi.Input<string>;
  /** `arn:<partition>:eks:<region>:<account>:cluster/<name>`. */
  readonly clusterArn: pulumi.Input<string>;
  /** Account of the cluster (and of the role: associations are same-account here). */
  readonly accountId: pulumi.Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * Trust policy for EKS Pod Identity: `pods.eks.amazonaws.com` may assume the role (and tag the
 * session) only on behalf of this account (`aws:SourceAccount`) and only with the session tags EKS
 * sets naming this cluster (ARN and name), namespace and service account. `aws:SourceArn` is not
 * used: AWS does not document it for Pod Identity, and a condition on a key absent from the request
 * would break every pod's credentials (decision 0137).
 */
export function podIdentityTrustPolicy(scope: PodIdentityScope): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowEksPodIdentity",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:SourceAccount": scope.accountId,
            "aws:RequestTag/eks-cluster-arn": scope.clusterArn,
            "aws:RequestTag/eks-cluster-name": scope.clusterName,
            "aws:RequestTag/kubernetes-namespace": scope.namespace,
            "aws:RequestTag/kubernetes-service-account": scope.serviceAccount,
          },
        },
      },
    ],
  });
}

/** Trust policy for IRSA: web identity from the cluster's OIDC provider, one service account, STS audience. */
export function irsaTrustPolicy(
  oidcProviderArn: pulumi.Input<string>,
  oidcIssuer: pulumi.Input<string>,
  namespace: string,
  serviceAccount: string,
): pulumi.Output<string> {
  return pulumi.all([oidcProviderArn, oidcIssuer]).apply(([providerArn, issuer]) => {
    const host = issuer.replace(/^https:\/\//, "");
    return JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowServiceAccountWebIdentity",
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${host}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
              [`${host}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ],
    });
  });
}

/**
 * The Pod Identity scope of a workload identity. The association is created by the same provider as
 * the role, so the cluster is in the provider's account and region: its ARN is built from them.
 */
function podIdentityScope(args: WorkloadIdentityArgs, parent: pulumi.Resource): PodIdentityScope {
  const accountId = aws.getCallerIdentityOutput({}, { parent }).accountId;
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  const region = aws.getRegionOutput({}, { parent }).region;
  return {
    clusterName: args.clusterName,
    clusterArn: pulumi.interpolate`arn:${partition}:eks:${region}:${accountId}:cluster/${args.clusterName}`,
    accountId,
    namespace: args.namespace,
    serviceAccount: args.serviceAccount,
  };
}

/**
 * An IAM role usable by exactly one Kubernetes service account of one cluster, through EKS Pod
 * Identity (default) or IRSA. Children: the role, its inline policy and/or exclusive managed policy
 * attachments, and (pod-identity) the Pod Identity association.
 */
export class WorkloadIdentity extends pulumi.ComponentResource {
  /** ARN of the role; for IRSA, annotate the service account with it. */
  public readonly roleArn: pulumi.Output<string>;
  /** Name of the role, for attaching further policies elsewhere. */
  public readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:cluster:WorkloadIdentity", name, {}, opts);
    const problems = validateWorkloadIdentityArgs(args);
    if (problems.length > 0) {
      throw new Error(`WorkloadIdentity '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    const mechanism = args.mechanism ?? "pod-identity";
    const trust =
      mechanism === "irsa"
        ? irsaTrustPolicy(args.oidcProviderArn!, args.oidcIssuer!, args.namespace, args.serviceAccount)
        : podIdentityTrustPolicy(podIdentityScope(args, this));

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: trust,
        description: pulumi.interpolate`Workload identity (${mechanism}) of ${args.namespace}/${args.serviceAccount} in EKS cluster ${args.clusterName}`,
        maxSessionDuration: 3600,
      },
      { parent: this },
    );
    if (args.policyJson !== undefined) {
      new aws.iam.RolePolicy(
        `${name}-policy`,
        { role: role.name, policy: args.policyJson },
        { parent: this },
      );
    }
    const managed = args.managedPolicyArns ?? [];
    if (managed.length > 0) {
      new aws.iam.RolePolicyAttachmentsExclusive(
        `${name}-managed-policies`,
        { roleName: role.name, policyArns: [...managed] },
        { parent: this },
      );
    }
    if (mechanism === "pod-identity") {
      new aws.eks.PodIdentityAssociation(
        `${name}-association`,
        {
          clusterName: args.clusterName,
          namespace: args.namespace,
          serviceAccount: args.serviceAccount,
          roleArn: role.arn,
          // The trust policy's conditions read these session tags: they must stay on.
          disableSessionTags: false,
        },
        { parent: this },
      );
    }

    this.roleArn = role.arn;
    this.roleName = role.name;
    this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
  }
}
