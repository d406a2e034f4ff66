import { byName, json, runProgram, type OfflineRun } from "../../support/offline";
import {
  validateAwsLoadBalancerControllerArgs,
  type AwsLoadBalancerControllerArgs,
} from "../../../components/workloads/ingress-controller";
import { albControllerPolicy } from "../../../components/workloads/alb-controller-policy";

const ARGS = {
  clusterName: "platform-test",
  vpcId: "vpc-0123456789abcdef0",
  region: "us-west-2",
  chartVersion: "1.13.4",
  systemNodeLabel: { key: "node-group", value: "system" },
};

describe("AwsLoadBalancerController", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const k8s = await import("@pulumi/kubernetes");
      const { AwsLoadBalancerController } = await import("../../../components/workloads/ingress-controller");
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      const controller = new AwsLoadBalancerController("alb", ARGS, { provider });
      return { roleArn: controller.roleArn };
    });
  });

  test("installs the pinned upstream chart in kube-system through the given provider, after its identity", () => {
    const release = byName(run, "kubernetes:helm.sh/v3:Release", "alb");
    expect(release.inputs).toMatchObject({
      name: "aws-load-balancer-controller",
      chart: "aws-load-balancer-controller",
      version: "1.13.4",
      repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
      namespace: "kube-system",
      atomic: true,
    });
    const provider = byName(run, "pulumi:providers:kubernetes", "k8s");
    expect(release.provider).toBe(`${provider.urn}::${provider.id}`);
    expect(release.parent).toBe(byName(run, "platform:workloads:AwsLoadBalancerController", "alb").urn);
    expect(release.dependencies).toContain(
      byName(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "alb-identity-association").urn,
    );
  });

  test("values: cluster, VPC and region explicit; two replicas on system nodes tolerating their taint", () => {
    expect(byName(run, "kubernetes:helm.sh/v3:Release", "alb").inputs.values).toEqual({
      clusterName: "platform-test",
      region: "us-west-2",
      vpcId: "vpc-0123456789abcdef0",
      replicaCount: 2,
      serviceAccount: { create: true, name: "aws-load-balancer-controller" },
      nodeSelector: { "node-group": "system" },
      tolerations: [{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }],
      podDisruptionBudget: { maxUnavailable: 1 },
      createIngressClassResource: true,
      ingressClass: "alb",
      defaultSSLPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      enableWaf: false,
      enableShield: false,
      enableWafv2: true,
      enableServiceMutatorWebhook: false,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    });
  });

  test("its role is bound to kube-system/aws-load-balancer-controller and carries the policy scoped to this cluster and VPC", () => {
    expect(
      byName(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "alb-identity-association").inputs,
    ).toMatchObject({
      clusterName: "platform-test",
      namespace: "kube-system",
      serviceAccount: "aws-load-balancer-controller",
    });
    expect(json(byName(run, "aws:iam/rolePolicy:RolePolicy", "alb-identity-policy").inputs.policy)).toEqual(
      albControllerPolicy({
        partition: "aws",
        clusterName: "platform-test",
        vpcArn: "arn:aws:ec2:us-west-2:123456789012:vpc/vpc-0123456789abcdef0",
      }),
    );
    expect(run.outputs.roleArn).toBe("arn:aws:iam::123456789012:role/alb-identity-role");
  });
});

describe("AwsLoadBalancerController on another platform's system nodes", () => {
  test("the given tolerations and IngressClass replace the defaults; the class is public for the services", async () => {
    const run = await runProgram(async () => {
      const { AwsLoadBalancerController } = await import("../../../components/workloads/ingress-controller");
      const controller = new AwsLoadBalancerController("alb", {
        ...ARGS,
        tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoExecute" }],
        ingressClassName: "public-alb",
      });
      return { ingressClassName: controller.ingressClassName };
    });
    expect(byName(run, "kubernetes:helm.sh/v3:Release", "alb").inputs.values).toMatchObject({
      tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoExecute" }],
      createIngressClassResource: true,
      ingressClass: "public-alb",
    });
    expect(run.outputs.ingressClassName).toBe("public-alb");
  });
});

describe("validateAwsLoadBalancerControllerArgs", () => {
  test("accepts the defaults", () => {
    expect(validateAwsLoadBalancerControllerArgs(ARGS)).toEqual([]);
  });
  test("reports every problem", () => {
    expect(
      validateAwsLoadBalancerControllerArgs({
        ...ARGS,
        chartVersion: "^1.13",
        replicas: 0,
        systemNodeLabel: { key: "bad key", value: "x" },
      }),
    ).toEqual([
      "chartVersion '^1.13' must be an exact chart version like 1.13.4 (no ranges: upgrades are deliberate)",
      "replicas 0 must be an integer from 1 to 5 (2 survives the loss of a node)",
      "systemNodeLabel 'bad key=x' must be a valid Kubernetes label key and value",
    ]);
  });
  test.each<[string, Partial<AwsLoadBalancerControllerArgs>, string[]]>([
    [
      "an IngressClass that is not a Kubernetes name",
      { ingressClassName: "ALB class" },
      ["ingressClassName 'ALB class' must be an IngressClass name: lowercase letters, digits, '-' and '.'"],
    ],
    [
      "a toleration with a malformed key",
      { tolerations: [{ key: "bad key", operator: "Equal", value: "true", effect: "NoSchedule" }] },
      ["tolerations[0] 'bad key=true' must have a valid taint key and value"],
    ],
    [
      "an Exists toleration with a value",
      { tolerations: [{ key: "dedicated", operator: "Exists", value: "x", effect: "NoSchedule" }] },
      ["tolerations[0] 'dedicated' has operator Exists and a value; leave the value out"],
    ],
  ])("rejects %s", (_label, change, expected) => {
    expect(validateAwsLoadBalancerControllerArgs({ ...ARGS, ...change })).toEqual(expected);
  });
});
