/**
 * Provider mocks for the offline preview and the unit tests.
 *
 * They behave like the real providers where the program depends on it: physical IDs in the
 * provider's format, ARNs built from type, name, region and account, the availability zones of the
 * configured region, the caller identity and the partition. An invoke they do not know fails
 * loudly: a silent echo would hide a missing mock and let a broken program look healthy.
 */
import { createHash } from "crypto";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import type * as pulumi from "@pulumi/pulumi";

/** The account every offline run pretends to be in. */
export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_PARTITION = "aws";

export interface MockOptions {
  /** `aws:region` of the stack being previewed. */
  readonly region: string;
  /**
   * IAM role names the mocked account does not have: `aws.iam.getRole` fails for them as the
   * provider does. Default none: every role looked up exists (the usual account).
   */
  readonly absentRoles?: readonly string[];
  /**
   * Folder of the outputs a `StackReference` receives: `<stack>.json` for the stack
   * `<org>/<project>/<stack>`, written by `npm run preview -- <stack> --outputs FILE`.
   * Default {@link STACK_OUTPUTS_DIR}.
   */
  readonly stackOutputsDir?: string;
}

/** Where the offline outputs of the stacks other stacks reference are kept (kept fresh by test/stacks.test.ts). */
export const STACK_OUTPUTS_DIR = join(__dirname, "stack-outputs");

/**
 * The outputs a `StackReference` to `name` (`<org>/<project>/<stack>`) gets offline: those of the
 * referenced stack's own offline preview. A stack without a recorded preview fails loudly.
 */
export function referencedStackOutputs(dir: string, name: string): Record<string, unknown> {
  const stack = name.split("/").pop() ?? name;
  const path = join(dir, `${stack}.json`);
  if (!existsSync(path)) {
    const message =
      `The offline mocks have no outputs for the stack reference '${name}': preview that stack with ` +
      `'npm run preview -- ${stack} --outputs ${path}' first.`;
    throw Object.assign(new Error(message), { details: message });
  }
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

/** Path of an AWS service-linked role: `aws-service-role/<service principal>/`. */
function serviceLinkedRolePath(roleName: string): string {
  const services: Record<string, string> = { AWSServiceRoleForAutoScaling: "autoscaling.amazonaws.com" };
  const service = services[roleName];
  return service ? `/aws-service-role/${service}/` : "/";
}

/** A short, stable hex digest: same resource name, same fake ID, so plans do not churn. */
export function stableHex(seed: string, length = 17): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** Hex digits as letters (`0`-`9` to `a`-`j`): for IDs AWS makes of letters only. */
function letters(hex: string): string {
  return hex.replace(/\d/g, (d) => "ghijklmnop"[Number(d)]);
}

/** EC2-style physical IDs by resource type (`vpc-0abc...`). */
const EC2_ID_PREFIX: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
  "aws:ec2/flowLog:FlowLog": "fl",
  "aws:ec2/launchTemplate:LaunchTemplate": "lt",
  "aws:ec2/networkAcl:NetworkAcl": "acl",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
};

/** ARN resource segment per type where it is not `<resource>/<name>`. */
function arnFor(
  type: string,
  physicalName: string,
  id: string,
  region: string,
  inputs: Record<string, unknown> = {},
): string | undefined {
  const [pkg, modAndRes] = type.split(":");
  if (pkg !== "aws" || !modAndRes) {
    return undefined;
  }
  const [service, resource] = modAndRes.split("/");
  const acct = MOCK_ACCOUNT_ID;
  switch (type) {
    case "aws:iam/role:Role":
      return `arn:${MOCK_PARTITION}:iam::${acct}:role/${physicalName}`;
    case "aws:iam/serviceLinkedRole:ServiceLinkedRole": {
      // AWS names it after the service: autoscaling.amazonaws.com -> AWSServiceRoleForAutoScaling.
      const names: Record<string, string> = { "autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling" };
      const service = String(inputs.awsServiceName);
      return `arn:${MOCK_PARTITION}:iam::${acct}:role/aws-service-role/${service}/${names[service] ?? physicalName}`;
    }
    case "aws:iam/policy:Policy":
      return `arn:${MOCK_PARTITION}:iam::${acct}:policy/${physicalName}`;
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return `arn:${MOCK_PARTITION}:iam::${acct}:oidc-provider/${physicalName}`;
    case "aws:kms/key:Key":
    case "aws:kms/replicaKey:ReplicaKey":
      return `arn:${MOCK_PARTITION}:kms:${region}:${acct}:key/${id}`;
    case "aws:kms/alias:Alias":
      return `arn:${MOCK_PARTITION}:kms:${region}:${acct}:${physicalName}`;
    case "aws:cloudwatch/logGroup:LogGroup":
      return `arn:${MOCK_PARTITION}:logs:${region}:${acct}:log-group:${physicalName}`;
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return `arn:${MOCK_PARTITION}:s3:::${physicalName}`;
    case "aws:rds/instance:Instance":
      return `arn:${MOCK_PARTITION}:rds:${region}:${acct}:db:${physicalName}`;
    case "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication":
      return `arn:${MOCK_PARTITION}:rds:${region}:${acct}:auto-backup:ab-${stableHex(physicalName, 26)}`;
    case "aws:cloudwatch/eventRule:EventRule":
      return `arn:${MOCK_PARTITION}:events:${region}:${acct}:rule/${physicalName}`;
    case "aws:sns/topic:Topic":
      return `arn:${MOCK_PARTITION}:sns:${region}:${acct}:${physicalName}`;
    case "aws:secretsmanager/secret:Secret":
      return `arn:${MOCK_PARTITION}:secretsmanager:${region}:${acct}:secret:${physicalName}-${id.slice(0, 6)}`;
    default:
      return `arn:${MOCK_PARTITION}:${service}:${region}:${acct}:${(resource ?? "resource").toLowerCase()}/${physicalName}`;
  }
}

/** Extra outputs that real providers compute and that programs read. */
function computedOutputs(
  type: string,
  physicalName: string,
  id: string,
  region: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  switch (type) {
    case "aws:eks/cluster:Cluster":
      return {
        endpoint: `https://${stableHex(physicalName, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
        certificateAuthority: { data: Buffer.from(`mock-ca-${physicalName}`).toString("base64") },
        identities: [
          {
            oidcs: [
              {
                issuer: `https://oidc.eks.${region}.amazonaws.com/id/${stableHex(physicalName, 32).toUpperCase()}`,
              },
            ],
          },
        ],
        vpcConfig: {
          ...(inputs.vpcConfig as Record<string, unknown>),
          clusterSecurityGroupId: `sg-${stableHex(`${physicalName}-cluster-sg`)}`,
          vpcId: `vpc-${stableHex("vpc")}`,
        },
        platformVersion: "eks.1",
        status: "ACTIVE",
      };
    case "aws:rds/instance:Instance":
      return {
        address: `${physicalName}.${stableHex(physicalName, 12)}.${region}.rds.amazonaws.com`,
        endpoint: `${physicalName}.${stableHex(physicalName, 12)}.${region}.rds.amazonaws.com:5432`,
        port: inputs.port ?? 5432,
        resourceId: `db-${stableHex(physicalName, 26).toUpperCase()}`,
        masterUserSecrets: inputs.manageMasterUserPassword
          ? [
              {
                kmsKeyId: inputs.masterUserSecretKmsKeyId,
                secretStatus: "active",
                secretArn: `arn:${MOCK_PARTITION}:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:rds!db-${stableHex(physicalName, 8)}-${stableHex(`${physicalName}-s`, 6)}`,
              },
            ]
          : [],
      };
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      return {
        primaryEndpointAddress: `master.${physicalName}.${stableHex(physicalName, 6)}.${region}.cache.amazonaws.com`,
        readerEndpointAddress: `replica.${physicalName}.${stableHex(physicalName, 6)}.${region}.cache.amazonaws.com`,
        port: inputs.port ?? 6379,
      };
    case "aws:kms/key:Key":
    case "aws:kms/replicaKey:ReplicaKey":
      return { keyId: id };
    case "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":
      // AWS prefixes the suffix with five letters of its own (`ldgnf-<suffix>`).
      return {
        globalReplicationGroupId: `${letters(stableHex(String(inputs.globalReplicationGroupIdSuffix), 5))}-${String(inputs.globalReplicationGroupIdSuffix)}`,
      };
    case "kubernetes:networking.k8s.io/v1:Ingress": {
      // What the AWS Load Balancer Controller writes back: the ALB's DNS name.
      const meta = (inputs.metadata ?? {}) as Record<string, unknown>;
      const base = `k8s-${String(meta.namespace ?? "default").slice(0, 8)}-${String(meta.name ?? physicalName).slice(0, 8)}`;
      const number = parseInt(stableHex(`${physicalName}-lb`, 8), 16) % 1_000_000_000;
      const hostname = `${base}-${stableHex(physicalName, 10)}-${number}.${region}.elb.amazonaws.com`;
      return { status: { loadBalancer: { ingress: [{ hostname }] } } };
    }
    case "aws:serverlessrepository/cloudFormationStack:CloudFormationStack":
      // The rotation applications of Secrets Manager output their function's ARN.
      return {
        outputs: {
          RotationLambdaARN: `arn:${MOCK_PARTITION}:lambda:${region}:${MOCK_ACCOUNT_ID}:function:${String((inputs.parameters as Record<string, unknown> | undefined)?.functionName ?? physicalName)}`,
        },
      };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return { bucket: inputs.bucket ?? physicalName };
    case "aws:ecr/repository:Repository":
      return {
        repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${physicalName}`,
        registryId: MOCK_ACCOUNT_ID,
      };
    case "aws:ec2/launchTemplate:LaunchTemplate":
      return { latestVersion: 1, defaultVersion: 1 };
    case "aws:eks/nodeGroup:NodeGroup":
      return { nodeGroupName: inputs.nodeGroupName ?? physicalName };
    case "aws:iam/role:Role":
      return { name: physicalName, uniqueId: `AROA${stableHex(physicalName, 17).toUpperCase()}` };
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString":
      return {
        result: `mock-${stableHex(physicalName, Number(inputs.length ?? 32))}`.slice(
          0,
          Number(inputs.length ?? 32),
        ),
      };
    case "random:index/randomId:RandomId":
      return { hex: stableHex(physicalName, Number(inputs.byteLength ?? 8) * 2) };
    default:
      return {};
  }
}

/** Physical ID in the format the provider would return. */
function physicalId(type: string, physicalName: string, inputs: Record<string, unknown>): string {
  const prefix = EC2_ID_PREFIX[type];
  if (prefix) {
    return `${prefix}-${stableHex(`${type}:${physicalName}`)}`;
  }
  if (type === "aws:kms/key:Key") {
    const h = stableHex(physicalName, 32);
    // A multi-Region key's ID is `mrk-` and 32 hex digits; its replicas share it.
    return inputs.multiRegion === true
      ? `mrk-${h}`
      : `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }
  if (type === "aws:kms/replicaKey:ReplicaKey" && typeof inputs.primaryKeyArn === "string") {
    return inputs.primaryKeyArn.split("/").pop() ?? physicalName;
  }
  return `${physicalName}-id`;
}

/** Types whose provider ID is their ARN (a secret, a replicated automated backup). */
const ARN_IS_ID = [
  "aws:secretsmanager/secret:Secret",
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
];

/** Invoke handlers by token. Anything else throws. */
function invokeHandlers(
  region: string,
  absentRoles: readonly string[],
): Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> {
  return {
    // Like the provider: the role with its path and ARN, or its "couldn't find resource" error.
    "aws:iam/getRole:getRole": (inputs) => {
      const name = String(inputs.name);
      if (absentRoles.includes(name)) {
        const message = `reading IAM Role (${name}): couldn't find resource`;
        throw Object.assign(new Error(message), { details: message });
      }
      const path = serviceLinkedRolePath(name);
      return {
        id: name,
        name,
        path,
        arn: `arn:${MOCK_PARTITION}:iam::${MOCK_ACCOUNT_ID}:role${path}${name}`,
        uniqueId: `AROA${stableHex(name, 17).toUpperCase()}`,
      };
    },
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => {
      const letters = ["a", "b", "c", "d"];
      return {
        id: region,
        names: letters.map((l) => `${region}${l}`),
        zoneIds: letters.map((_, i) => `${region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`),
        groupNames: [region],
      };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
      id: MOCK_ACCOUNT_ID,
      accountId: MOCK_ACCOUNT_ID,
      arn: `arn:${MOCK_PARTITION}:sts::${MOCK_ACCOUNT_ID}:assumed-role/offline-preview/offline`,
      userId: "AROAOFFLINEPREVIEW:offline",
    }),
    "aws:index/getPartition:getPartition": () => ({
      id: MOCK_PARTITION,
      partition: MOCK_PARTITION,
      dnsSuffix: "amazonaws.com",
      reverseDnsPrefix: "com.amazonaws",
    }),
    // EKS names a managed node group's Auto Scaling group `eks-<node group>-<node group UUID>`.
    "aws:eks/getNodeGroup:getNodeGroup": (inputs) => {
      const group = String(inputs.nodeGroupName);
      const h = stableHex(`${String(inputs.clusterName)}/${group}`, 32);
      const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
      return {
        id: `${String(inputs.clusterName)}:${group}`,
        clusterName: inputs.clusterName,
        nodeGroupName: group,
        status: "ACTIVE",
        resources: [
          { autoscalingGroups: [{ name: `eks-${group}-${uuid}` }], remoteAccessSecurityGroupId: "" },
        ],
      };
    },
    "aws:index/getRegion:getRegion": () => ({
      id: region,
      name: region,
      region,
      endpoint: `ec2.${region}.amazonaws.com`,
      description: region,
    }),
  };
}

/**
 * Mocks for `pulumi.runtime.setMocks`. Resources get provider-like IDs and ARNs; the outputs a
 * program reads (cluster endpoint, database address, generated passwords...) are filled in.
 */
export class PlatformMocks implements pulumi.runtime.Mocks {
  private readonly invokes: ReturnType<typeof invokeHandlers>;

  constructor(private readonly options: MockOptions) {
    this.invokes = invokeHandlers(options.region, options.absentRoles ?? []);
  }

  /** Region of each explicit AWS provider, by provider ID: its resources live there. */
  private readonly providerRegions = new Map<string, string>();

  /** The region a resource lives in: its provider's, else the stack's. */
  private regionOf(providerRef: string | undefined): string {
    const id = providerRef?.split("::").pop();
    return (id ? this.providerRegions.get(id) : undefined) ?? this.options.region;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    if (args.type === "pulumi:pulumi:StackReference") {
      const name = String(inputs.name);
      const dir = this.options.stackOutputsDir ?? STACK_OUTPUTS_DIR;
      return { id: name, state: { name, outputs: referencedStackOutputs(dir, name), secretOutputNames: [] } };
    }
    const region = this.regionOf(args.provider);
    const prefixed =
      typeof inputs.namePrefix === "string" ? `${inputs.namePrefix}${stableHex(args.name, 8)}` : undefined;
    const explicitName = [inputs.name, inputs.identifier, inputs.replicationGroupId, prefixed].find(
      (v): v is string => typeof v === "string",
    );
    const physicalName = explicitName ?? args.name;
    let id = args.id || physicalId(args.type, physicalName, inputs);
    if (args.type === "pulumi:providers:aws" && typeof inputs.region === "string" && inputs.region !== "") {
      this.providerRegions.set(id, inputs.region);
    }
    const arn = arnFor(args.type, physicalName, id, region, inputs);
    if (ARN_IS_ID.includes(args.type) && arn) {
      id = arn;
    }
    const state: Record<string, unknown> = {
      ...inputs,
      ...(arn ? { arn } : {}),
      ...computedOutputs(args.type, physicalName, id, region, inputs),
    };
    if (args.type.startsWith("aws:") && state.name === undefined && !args.type.startsWith("aws:ec2/")) {
      state.name = physicalName;
    }
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const handler = this.invokes[args.token];
    if (!handler) {
      const message =
        `The offline mocks do not know the invoke '${args.token}'. Add a handler to tools/offline/mocks.ts ` +
        `that answers like the provider would, or avoid the invoke.`;
      // The SDK reports a failed invoke with the gRPC error's `details`.
      throw Object.assign(new Error(message), { details: message });
    }
    return handler((args.inputs ?? {}) as Record<string, unknown>);
  }
}
