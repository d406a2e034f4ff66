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
      enableServiceMutatorWebhook: false,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    });
  });

  test("its role is bound to kube-system/aws-load-balancer-controller and carries the upstream policy", () => {
    expect(
      byName(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "alb-identity-association").inputs,
    ).toMatchObject({
      clusterName: "platform-test",
      namespace: "kube-system",
      serviceAccount: "aws-load-balancer-controller",
    });
    expect(json(byName(run, "aws:iam/rolePolicy:RolePolicy", "alb-identity-policy").inputs.policy)).toEqual(
      albControllerPolicy(),
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

describe("albControllerPolicy", () => {
  const statements = albControllerPolicy().Statement as {
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
  }[];
  const withAction = (action: string) => statements.filter((s) => s.Action.includes(action));

  test.each([
    "elasticloadbalancing:DeleteLoadBalancer",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:DeleteTargetGroup",
    "ec2:DeleteSecurityGroup",
  ])("%s only on resources tagged elbv2.k8s.aws/cluster", (action) => {
    const found = withAction(action);
    expect(found).toHaveLength(1);
    expect(found[0].Condition).toEqual({ Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } });
  });

  test.each(["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"])(
    "%s only with the cluster tag in the request",
    (action) => {
      expect(withAction(action).map((s) => s.Condition)).toEqual([
        { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } },
      ]);
    },
  );

  test("service-linked role only for Elastic Load Balancing; ARNs follow the partition", () => {
    expect(withAction("iam:CreateServiceLinkedRole")[0].Condition).toEqual({
      StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" },
    });
    expect(JSON.stringify(albControllerPolicy("aws-us-gov"))).not.toContain("arn:aws:");
    expect(withAction("elasticloadbalancing:RegisterTargets")[0].Resource).toBe(
      "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
    );
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
