/**
 * The AWS Load Balancer Controller's policy against upstream's (the fixture is
 * docs/install/iam_policy.json of kubernetes-sigs/aws-load-balancer-controller at tag v2.13.0, the
 * appVersion of the pinned chart 1.13.0): every difference is listed here, so none is accidental
 * and a new upstream file shows exactly what changed (decision 0136).
 */
import { readFileSync } from "fs";
import { join } from "path";
import { albControllerPolicy } from "../../../components/workloads/alb-controller-policy";

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
interface Document {
  Version: string;
  Statement: Statement[];
}

const UPSTREAM_TAG = "v2.13.0";
const upstream = JSON.parse(
  readFileSync(join(__dirname, `../../fixtures/alb-controller/iam_policy.${UPSTREAM_TAG}.json`), "utf8"),
) as Document;
const VPC_ARN = "arn:aws:ec2:us-west-2:123456789012:vpc/vpc-0123456789abcdef0";
const ours = albControllerPolicy({ partition: "aws", clusterName: "prod", vpcArn: VPC_ARN }) as Document;

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
/** Every (action, resource) grant with its condition, as one comparable line. */
function grants(doc: Document): Map<string, string[]> {
  const byAction = new Map<string, string[]>();
  for (const s of doc.Statement) {
    for (const action of list(s.Action)) {
      for (const resource of list(s.Resource)) {
        const line = `${resource} ${JSON.stringify(s.Condition ?? {})}`;
        byAction.set(action, [...(byAction.get(action) ?? []), line].sort());
      }
    }
  }
  return byAction;
}
const up = grants(upstream);
const our = grants(ours);
const changed = [...our.keys()].filter(
  (a) => up.has(a) && JSON.stringify(up.get(a)) !== JSON.stringify(our.get(a)),
);
const byName = (sid: string) => ours.Statement.find((s) => s.Sid === sid)!;
const CLUSTER_RESOURCE = { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "prod" } };
const CLUSTER_REQUEST = { StringEquals: { "aws:RequestTag/elbv2.k8s.aws/cluster": "prod" } };

describe(`albControllerPolicy against upstream ${UPSTREAM_TAG}`, () => {
  test("the fixture is upstream's file of the pinned chart's appVersion", () => {
    expect(upstream.Statement).toHaveLength(16);
    expect(up.size).toBe(80);
  });

  test("drops WAF Classic and Shield (chart values enableWaf/enableShield false) and adds no action", () => {
    expect([...up.keys()].filter((a) => !our.has(a)).sort()).toEqual([
      "shield:CreateProtection",
      "shield:DeleteProtection",
      "shield:DescribeProtection",
      "shield:GetSubscriptionState",
      "waf-regional:AssociateWebACL",
      "waf-regional:DisassociateWebACL",
      "waf-regional:GetWebACL",
      "waf-regional:GetWebACLForResource",
    ]);
    expect([...our.keys()].filter((a) => !up.has(a))).toEqual([]);
  });

  test("changes exactly the mutating actions; reads and WAFv2 stay as upstream writes them", () => {
    expect(changed.sort()).toEqual(
      [
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:CreateSecurityGroup",
        "ec2:CreateTags",
        "ec2:DeleteSecurityGroup",
        "ec2:DeleteTags",
        "ec2:RevokeSecurityGroupIngress",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:DeregisterTargets",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyIpPools",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:RemoveTags",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetRulePriorities",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
      ].sort(),
    );
    expect(our.get("wafv2:AssociateWebACL")).toEqual(up.get("wafv2:AssociateWebACL"));
    // SetWebAcl has no resource-level permissions: a tag condition would never match it.
    expect(byName("AttachWebAcls")).toEqual({
      Sid: "AttachWebAcls",
      Effect: "Allow",
      Action: ["elasticloadbalancing:SetWebAcl"],
      Resource: "*",
    });
  });

  test("every changed grant names this cluster or this VPC; none is left without a condition", () => {
    for (const action of changed) {
      for (const line of our.get(action)!) {
        expect({ action, line, scoped: /"prod"|vpc\/vpc-0123456789abcdef0/.test(line) }).toEqual({
          action,
          line,
          scoped: true,
        });
      }
    }
  });
});

describe("albControllerPolicy condition blocks", () => {
  test.each([
    "ChangeClusterSecurityGroups",
    "ListenersAndRulesOfClusterLoadBalancers",
    "ChangeClusterLoadBalancersAndTargetGroups",
    "RegisterTargetsOfClusterTargetGroups",
    "ChangeClusterListenersAndRules",
  ])("%s: only on resources tagged for this cluster", (sid) => {
    expect(byName(sid).Condition).toEqual(CLUSTER_RESOURCE);
  });

  test("creating load balancers, target groups and security groups needs this cluster's tag in the request", () => {
    expect(byName("CreateLoadBalancersAndTargetGroupsForCluster").Condition).toEqual(CLUSTER_REQUEST);
    expect(byName("CreateSecurityGroupTaggedForCluster")).toEqual({
      Sid: "CreateSecurityGroupTaggedForCluster",
      Effect: "Allow",
      Action: ["ec2:CreateSecurityGroup"],
      Resource: "arn:aws:ec2:*:*:security-group/*",
      Condition: CLUSTER_REQUEST,
    });
    expect(byName("CreateSecurityGroupInClusterVpc").Resource).toBe(VPC_ARN);
  });

  test("security-group rules only on groups in the cluster's VPC", () => {
    expect(byName("SecurityGroupRulesInClusterVpc")).toEqual({
      Sid: "SecurityGroupRulesInClusterVpc",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: "arn:aws:ec2:*:*:security-group/*",
      Condition: { ArnEquals: { "ec2:Vpc": VPC_ARN } },
    });
  });

  test("tags: set at creation with this cluster's tag; later only on this cluster's resources, never the cluster tag", () => {
    expect(byName("TagSecurityGroupOnCreate").Condition).toEqual({
      StringEquals: {
        "ec2:CreateAction": "CreateSecurityGroup",
        "aws:RequestTag/elbv2.k8s.aws/cluster": "prod",
      },
    });
    expect(byName("TagLoadBalancersAndTargetGroupsOnCreate").Condition).toEqual({
      StringEquals: {
        "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
        "aws:RequestTag/elbv2.k8s.aws/cluster": "prod",
      },
    });
    expect(byName("TagListenersAndRulesOnCreate").Condition).toEqual({
      StringEquals: {
        "elasticloadbalancing:CreateAction": ["CreateListener", "CreateRule"],
        "aws:RequestTag/elbv2.k8s.aws/cluster": "prod",
      },
    });
    for (const sid of [
      "RetagClusterSecurityGroups",
      "RetagClusterLoadBalancersAndTargetGroups",
      "RetagClusterListenersAndRules",
    ]) {
      expect(byName(sid).Condition).toEqual({
        Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true" },
        StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "prod" },
      });
    }
  });

  test("service-linked role only for Elastic Load Balancing; ARNs follow the partition", () => {
    expect(byName("CreateElbServiceLinkedRole").Condition).toEqual({
      StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" },
    });
    const gov = JSON.stringify(
      albControllerPolicy({
        partition: "aws-us-gov",
        clusterName: "prod",
        vpcArn: "arn:aws-us-gov:ec2:us-gov-west-1:1:vpc/v",
      }),
    );
    expect(gov).not.toContain("arn:aws:");
    expect(gov).not.toContain("${");
  });
});
