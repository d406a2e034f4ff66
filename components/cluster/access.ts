/**
 * Who administers the cluster: one access entry per admin IAM role, associated with
 * AmazonEKSClusterAdminPolicy at cluster scope (authentication mode `API`, no aws-auth ConfigMap).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export const CLUSTER_ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

/** Stable key of an admin role in child names: the role name, the last segment of its ARN. */
export function adminEntryKey(arn: string): string {
  return arn.split("/").pop()!;
}

/** `${name}-admin-<role name>` access entry and policy association for each role. */
export function createAdminAccess(
  name: string,
  clusterName: pulumi.Input<string>,
  adminRoleArns: readonly string[],
  parent: pulumi.Resource,
): aws.eks.AccessPolicyAssociation[] {
  return adminRoleArns.map((arn) => {
    const key = adminEntryKey(arn);
    const entry = new aws.eks.AccessEntry(
      `${name}-admin-${key}`,
      { clusterName, principalArn: arn, type: "STANDARD" },
      { parent },
    );
    return new aws.eks.AccessPolicyAssociation(
      `${name}-admin-${key}`,
      {
        clusterName,
        principalArn: entry.principalArn,
        policyArn: CLUSTER_ADMIN_POLICY_ARN,
        accessScope: { type: "cluster" },
      },
      { parent },
    );
  });
}
