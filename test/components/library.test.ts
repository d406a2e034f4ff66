/**
 * The components as another Pulumi program uses them: everything comes from `components/index.ts`
 * (the package's entry point), composed with a minimal set of arguments, every other value left to
 * the components' documented defaults. This file must not import any other module of components/
 * (checked below), so a component that only works with the platform's own wiring fails here.
 */
import { readFileSync } from "fs";
import * as path from "path";
import { byName, ofType, runProgram, type OfflineRun } from "../support/offline";

const ROOT = path.join(__dirname, "..", "..");
const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  key: "aws:kms/key:Key",
  cluster: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  addon: "aws:eks/addon:Addon",
  instance: "aws:rds/instance:Instance",
  sg: "aws:ec2/securityGroup:SecurityGroup",
};

/** A VPC, its keys, an EKS cluster with one system node group and a PostgreSQL database. */
async function buildSmallPlatform(): Promise<OfflineRun> {
  return runProgram(async () => {
    const lib = await import("../../components/index");
    const kms = new lib.KmsKeys("acme-kms", {
      aliasPrefix: "acme-test",
      region: "us-west-2",
      deletionWindowInDays: 30,
      rotationPeriodInDays: 365,
    });
    const azs = ["us-west-2a", "us-west-2b"];
    const network = new lib.Network("acme", {
      cidrBlock: "10.20.0.0/16",
      region: "us-west-2",
      availabilityZones: azs,
      subnets: {
        private: { newBits: 4, netnumStart: 0 },
        public: { newBits: 8, netnumStart: 128 },
        data: { newBits: 8, netnumStart: 144 },
      },
      natStrategy: "single",
      flowLogRetentionDays: 30,
      flowLogKmsKeyArn: kms.keyArns.logs,
      interfaceEndpoints: [],
      clusterName: "acme-test",
    });
    const cluster = new lib.EksCluster("acme", {
      clusterName: "acme-test",
      version: "1.33",
      region: "us-west-2",
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      availabilityZones: network.availabilityZones,
      keys: { eksSecretsKeyArn: kms.keyArns.eks, logsKeyArn: kms.keyArns.logs, ebsKeyArn: kms.keyArns.ebs },
      tags: { Team: "acme" },
      addonVersions: {
        "vpc-cni": "v1.20.1-eksbuild.3",
        coredns: "v1.12.1-eksbuild.2",
        "kube-proxy": "v1.33.0-eksbuild.2",
        "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
        "aws-ebs-csi-driver": "v1.46.0-eksbuild.1",
      },
      nodeGroups: {
        core: {
          role: "system",
          capacityType: "ON_DEMAND",
          instanceTypes: ["t3.large"],
          amiType: "AL2023_x86_64_STANDARD",
          minSize: 2,
          maxSize: 3,
          desiredSize: 2,
          diskSizeGiB: 40,
        },
      },
      clusterAutoscaler: { chartVersion: "9.50.1", imageTag: "v1.33.0" },
      metricsServer: { chartVersion: "3.13.0" },
      nvidiaDevicePlugin: { chartVersion: "0.17.3" },
    });
    const db = new lib.PostgresDatabase("acme-db", {
      vpcId: network.vpcId,
      dataSubnetIds: network.dataSubnetIds,
      rotationSubnetIds: network.privateSubnetIds,
      allowedSecurityGroupIds: [cluster.nodeSecurityGroupId],
      kmsKeyArn: kms.keyArns.rds,
      logsKmsKeyArn: kms.keyArns.logs,
      secretsKmsKeyArn: kms.keyArns.secrets,
      engineMajorVersion: 17,
      instanceClass: "db.t4g.medium",
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      backupRetentionDays: 7,
      backupWindow: "03:00-04:00",
      maintenanceWindow: "sun:05:00-sun:06:00",
      logRetentionDays: 30,
    });
    return {
      exportNames: Object.keys(lib).sort(),
      keyArns: kms.keyArns,
      privateSubnetIds: network.privateSubnetIds,
      dataSubnetIds: network.dataSubnetIds,
      nodeSecurityGroupId: cluster.nodeSecurityGroupId,
      systemPlacement: cluster.systemPlacement,
      storageClassName: cluster.storageClassName,
      dbAddress: db.address,
    };
  });
}

describe("components/index.ts as a library", () => {
  test("this test reaches the components only through components/index.ts", () => {
    const source = readFileSync(__filename, "utf8");
    const specifiers = [...source.matchAll(/(?:from|import\()\s*"([^"]+)"/g)].map((m) => m[1]);
    const fromComponents = new Set(specifiers.filter((s) => s.includes("components")));
    expect([...fromComponents]).toEqual(["../../components/index"]);
  });

  describe("a VPC, an EKS cluster and a PostgreSQL database from minimal arguments", () => {
    let run: OfflineRun;
    const keyArn = (purpose: string) => (run.outputs.keyArns as Record<string, string>)[purpose];
    beforeAll(async () => {
      run = await buildSmallPlatform();
    });

    test("exports the public components, their validators and helpers, and nothing else at runtime", () => {
      expect(run.outputs.exportNames).toEqual([
        "ADDONS",
        "AdmissionGuardrails",
        "AwsLoadBalancerController",
        "Backup",
        "BucketReplica",
        "CertManager",
        "ContainerRegistry",
        "DnsFailover",
        "EdgeProtection",
        "EksCluster",
        "KEY_PURPOSES",
        "KmsKeys",
        "LogShipping",
        "MetricsStack",
        "Network",
        "PlatformAlarms",
        "PlatformService",
        "PostgresDatabase",
        "PostgresReplica",
        "RedisCache",
        "RolloutsController",
        "ThreatDetection",
        "TraceCollector",
        "VALIDATION_ACTIONS",
        "Vault",
        "WorkloadIdentity",
        "admissionGuardrailsArgsProblems",
        "backupArgsProblems",
        "clusterNameFor",
        "containerRegistryArgsProblems",
        "createNodeGroup",
        "dnsFailoverArgsProblems",
        "edgeProtectionArgsProblems",
        "kmsKeysArgsProblems",
        "networkArgsProblems",
        "nodeLabels",
        "platformRuleGroups",
        "resolveEksClusterArgs",
        "threatDetectionArgsProblems",
        "tolerationsFor",
        "validateBackupArgs",
        "validateEksClusterArgs",
        "validateKmsKeysArgs",
        "validateNetworkArgs",
        "validatePostgresDatabaseArgs",
        "validatePostgresReplicaArgs",
        "validateRedisCacheArgs",
        "validateWorkloadIdentityArgs",
      ]);
    });

    test("each component and its key children, named after the names given", () => {
      const components = run.resources
        .filter((r) => !r.custom && r.type.startsWith("platform:"))
        .map((r) => `${r.type} ${r.name}`)
        .filter((c) => !c.startsWith("platform:cluster:WorkloadIdentity"))
        .sort();
      expect(components).toEqual([
        "platform:cluster:EksCluster acme",
        "platform:data:PostgresDatabase acme-db",
        "platform:network:Network acme",
        "platform:security:KmsKeys acme-kms",
      ]);
      expect(ofType(run, T.vpc).map((r) => r.name)).toEqual(["acme"]);
      expect(
        ofType(run, T.subnet)
          .map((r) => r.name)
          .sort(),
      ).toEqual([
        "acme-data-us-west-2a",
        "acme-data-us-west-2b",
        "acme-private-us-west-2a",
        "acme-private-us-west-2b",
        "acme-public-us-west-2a",
        "acme-public-us-west-2b",
      ]);
      expect(ofType(run, T.key)).toHaveLength(9);
      expect(ofType(run, T.nodeGroup).map((r) => r.name)).toEqual(["acme-core"]);
      expect(ofType(run, T.addon)).toHaveLength(5);
      expect(ofType(run, T.instance).map((r) => r.name)).toEqual(["acme-db-primary"]);
    });

    test("the cluster sits in the network's private subnets with a private endpoint, secrets encrypted", () => {
      const cluster = byName(run, T.cluster, "acme");
      expect(cluster.inputs.name).toBe("acme-test");
      expect(cluster.inputs.vpcConfig).toMatchObject({
        subnetIds: run.outputs.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: false,
      });
      expect(cluster.inputs.encryptionConfig).toEqual({
        provider: { keyArn: keyArn("eks") },
        resources: ["secrets"],
      });
      expect(cluster.inputs.deletionProtection).toBe(true);
      expect(run.outputs.storageClassName).toBe("gp3-encrypted");
      // No taint on the system group: the add-ons and the placement handed to consumers tolerate none.
      expect(run.outputs.systemPlacement).toEqual({ nodeSelector: {}, tolerations: [] });
    });

    test("the database defaults to the secure choices and admits only the cluster's nodes", () => {
      const primary = byName(run, T.instance, "acme-db-primary");
      expect(primary.inputs).toMatchObject({
        identifier: "acme-db",
        dbSubnetGroupName: expect.any(String),
        multiAz: true,
        storageEncrypted: true,
        kmsKeyId: keyArn("rds"),
        publiclyAccessible: false,
        deletionProtection: true,
        // Generated here and rotated by Secrets Manager (decision 0110): replicas stay possible.
        passwordWoVersion: 1,
        iamDatabaseAuthenticationEnabled: true,
        skipFinalSnapshot: false,
      });
      expect(primary.protect).toBe(true);
      const sg = byName(run, T.sg, "acme-db-sg");
      expect(sg.inputs.ingress).toEqual([
        expect.objectContaining({
          fromPort: 5432,
          toPort: 5432,
          securityGroups: [run.outputs.nodeSecurityGroupId],
        }),
        // The master password's rotation function, admitted inline (decision 0114).
        expect.objectContaining({
          fromPort: 5432,
          toPort: 5432,
          securityGroups: [byName(run, T.sg, "acme-db-rotation").id],
        }),
      ]);
      expect(sg.inputs.egress).toEqual([]);
      const subnets = byName(run, "aws:rds/subnetGroup:SubnetGroup", "acme-db-subnets");
      expect(subnets.inputs.subnetIds).toEqual(run.outputs.dataSubnetIds);
    });
  });
});

describe("package.json exposes components/index.ts to other programs", () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    exports: Record<string, unknown>;
    types: string;
    files: string[];
    scripts: Record<string, string>;
  };
  const lib = JSON.parse(readFileSync(path.join(ROOT, "tsconfig.lib.json"), "utf8")) as {
    compilerOptions: { outDir: string; rootDir: string };
    include: string[];
  };

  test("the entry point is the compiled components/index.ts, with its declarations", () => {
    const built = `./${lib.compilerOptions.outDir}/components/index`;
    expect(lib.compilerOptions.rootDir).toBe(".");
    expect(lib.include).toEqual(["components/**/*.ts"]);
    expect(pkg.exports).toEqual({
      ".": { types: `${built}.d.ts`, default: `${built}.js` },
      "./package.json": "./package.json",
    });
    expect(pkg.types).toBe(`${built}.d.ts`);
  });

  test("a git install builds it (prepare) and packs it (files), even though the build folder is git-ignored", () => {
    expect(pkg.scripts.prepare).toBe("npm run build:lib");
    expect(pkg.scripts["build:lib"]).toContain("tsc -p tsconfig.lib.json");
    expect(pkg.files).toContain(`${lib.compilerOptions.outDir}/components/`);
  });

  test("Pulumi.yaml names the program, so the package's exports never become this stack's entry point", () => {
    expect(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).toMatch(/^main: infra\/index\.ts$/m);
  });
});
