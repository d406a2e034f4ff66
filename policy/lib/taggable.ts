/**
 * AWS resource types whose provider schema has a `tags` input (checked against the `.d.ts` files
 * by test/policy/taggable.test.ts). A type not listed still counts as taggable when its inputs carry
 * `tags`.
 */
export const TAGGABLE_AWS_TYPES: readonly string[] = [
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/eip:Eip",
  "aws:ec2/flowLog:FlowLog",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:kms/key:Key",
  "aws:iam/role:Role",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  "aws:eks/cluster:Cluster",
  "aws:eks/nodeGroup:NodeGroup",
  "aws:eks/addon:Addon",
  "aws:eks/accessEntry:AccessEntry",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  "aws:rds/instance:Instance",
  "aws:rds/parameterGroup:ParameterGroup",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:elasticache/parameterGroup:ParameterGroup",
  "aws:elasticache/subnetGroup:SubnetGroup",
  "aws:secretsmanager/secret:Secret",
  "aws:s3/bucketV2:BucketV2",
  "aws:s3/bucket:Bucket",
];

/** Types of the program that have no `tags` input (companions, attachments, aliases). */
export const UNTAGGABLE_AWS_TYPES: readonly string[] = [
  "aws:ec2/route:Route",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:kms/alias:Alias",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  "aws:s3/bucketVersioningV2:BucketVersioningV2",
];

export function isTaggable(type: string, props: Record<string, unknown>): boolean {
  return TAGGABLE_AWS_TYPES.includes(type) || (type.startsWith("aws:") && "tags" in props);
}
