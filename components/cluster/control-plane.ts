/**
 * The EKS control plane: its IAM role (cluster policy, envelope encryption with the EKS key), its
 * encrypted log group (created first, so EKS never creates an unencrypted one), the cluster itself
 * (private endpoint, secrets encryption, every log type, API authentication, managed add-ons only)
 * and the IAM OIDC provider of its issuer.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "./trust";

/** Control-plane log types; all of them go to CloudWatch. */
export const CONTROL_PLANE_LOG_TYPES = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
] as const;

/** The IAM role of the control plane and what must exist before the cluster uses it. */
export interface ControlPlaneRole {
  readonly role: aws.iam.Role;
  /** Attachments and inline policies the cluster waits for. */
  readonly policies: pulumi.Resource[];
}

/**
 * `${name}-cluster` role trusted by EKS, with AmazonEKSClusterPolicy only, and
 * `${name}-cluster-encryption`: the EKS key's policy delegates to IAM (root statement), so the
 * control plane's role is granted exactly the calls EKS makes with that key, and nothing else.
 */
export function createControlPlaneRole(
  name: string,
  eksSecretsKeyArn: pulumi.Input<string>,
  parent: pulumi.Resource,
): ControlPlaneRole {
  const role = new aws.iam.Role(
    `${name}-cluster`,
    { assumeRolePolicy: serviceTrustPolicy("eks.amazonaws.com") },
    { parent },
  );
  const managed = new aws.iam.RolePolicyAttachmentsExclusive(
    `${name}-cluster`,
    { roleName: role.name, policyArns: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"] },
    { parent },
  );
  const encryption = new aws.iam.RolePolicy(
    `${name}-cluster-encryption`,
    {
      role: role.name,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "SecretsEnvelopeEncryption",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
            Resource: eksSecretsKeyArn,
          },
        ],
      }),
    },
    { parent },
  );
  return { role, policies: [managed, encryption] };
}

/** The settings of the control plane (the cluster's args, defaults resolved). */
export interface ControlPlaneSettings {
  readonly clusterName: string;
  readonly version: string;
  readonly privateSubnetIds: pulumi.Input<string>[];
  readonly endpointPublicAccess: boolean;
  /** Used only with the public endpoint on. */
  readonly publicAccessCidrs: readonly string[];
  readonly keys: {
    readonly eksSecretsKeyArn: pulumi.Input<string>;
    readonly logsKeyArn: pulumi.Input<string>;
  };
  readonly logRetentionDays: number;
  readonly deletionProtection: boolean;
  /** With admin roles, nobody gets implicit admin; without, the creator keeps it (bootstrap). */
  readonly adminRoleArns: readonly string[];
}

/** The control plane and what other steps read from it. */
export interface ControlPlane {
  readonly cluster: aws.eks.Cluster;
  readonly oidcProvider: aws.iam.OpenIdConnectProvider;
  /** OIDC issuer without `https://` (the prefix of IRSA condition keys). */
  readonly oidcIssuer: pulumi.Output<string>;
}

/** `${name}-control-plane-logs`, the cluster `${name}` and its OIDC provider `${name}-oidc`. */
export function createControlPlane(
  name: string,
  settings: ControlPlaneSettings,
  role: ControlPlaneRole,
  securityGroup: aws.ec2.SecurityGroup,
  parent: pulumi.Resource,
): ControlPlane {
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane-logs`,
    {
      name: `/aws/eks/${settings.clusterName}/cluster`,
      kmsKeyId: settings.keys.logsKeyArn,
      retentionInDays: settings.logRetentionDays,
    },
    { parent },
  );
  const publicAccess = settings.endpointPublicAccess;
  const cluster = new aws.eks.Cluster(
    name,
    {
      name: settings.clusterName,
      version: settings.version,
      roleArn: role.role.arn,
      vpcConfig: {
        subnetIds: settings.privateSubnetIds,
        securityGroupIds: [securityGroup.id],
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccess,
        publicAccessCidrs: publicAccess ? [...settings.publicAccessCidrs] : undefined,
      },
      encryptionConfig: { provider: { keyArn: settings.keys.eksSecretsKeyArn }, resources: ["secrets"] },
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      accessConfig: {
        authenticationMode: "API",
        bootstrapClusterCreatorAdminPermissions: settings.adminRoleArns.length === 0,
      },
      // Add-ons are managed by this component (versions pinned, configured); EKS installs no unmanaged copies.
      bootstrapSelfManagedAddons: false,
      upgradePolicy: { supportType: "STANDARD" },
      deletionProtection: settings.deletionProtection,
    },
    {
      parent,
      dependsOn: [logGroup, ...role.policies],
      // EKS reads this flag only in CreateCluster and the provider replaces the cluster when it
      // changes: adding the first admin role later must not destroy and recreate the cluster.
      // The creator's bootstrap access entry then stays until removed by hand (docs/cluster.md).
      ignoreChanges: ["accessConfig.bootstrapClusterCreatorAdminPermissions"],
    },
  );
  const issuerUrl = cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!);
  const oidcProvider = new aws.iam.OpenIdConnectProvider(
    `${name}-oidc`,
    { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"] },
    { parent },
  );
  return { cluster, oidcProvider, oidcIssuer: issuerUrl.apply((url) => url.replace(/^https:\/\//, "")) };
}
