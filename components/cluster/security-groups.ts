/**
 * The cluster's two security groups and the rules between them, each rule its own resource: the
 * control plane's group (API from the nodes; kubelet, webhooks and metrics to the nodes) and the
 * group of every node and pod (node to node, everything out through NAT).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** One rule: child-name key, direction, and the rule's arguments. */
type Rule = [string, "ingress" | "egress", aws.vpc.SecurityGroupIngressRuleArgs];

/** The rules between the control plane's group `cp` and the nodes' group `node`, keyed by a stable name. */
export function clusterSecurityGroupRules(cp: pulumi.Input<string>, node: pulumi.Input<string>): Rule[] {
  const between = (from: pulumi.Input<string>, to: pulumi.Input<string>) => ({
    securityGroupId: from,
    referencedSecurityGroupId: to,
  });
  const https = { ipProtocol: "tcp", fromPort: 443, toPort: 443 };
  const high = { ipProtocol: "tcp", fromPort: 1025, toPort: 65535 };
  const kubelet = "API server to kubelet (10250), webhooks and metrics-server";
  return [
    [
      "cp-from-nodes-https",
      "ingress",
      { ...between(cp, node), ...https, description: "Nodes and pods to the API server" },
    ],
    [
      "cp-to-nodes-https",
      "egress",
      { ...between(cp, node), ...https, description: "API server to webhooks on 443" },
    ],
    ["cp-to-nodes-high", "egress", { ...between(cp, node), ...high, description: kubelet }],
    [
      "node-from-cp-https",
      "ingress",
      { ...between(node, cp), ...https, description: "API server to webhooks on 443" },
    ],
    ["node-from-cp-high", "ingress", { ...between(node, cp), ...high, description: kubelet }],
    [
      "node-from-nodes",
      "ingress",
      {
        ...between(node, node),
        ipProtocol: "-1",
        description: "Node to node and pod to pod (network policies narrow it)",
      },
    ],
    [
      "node-egress",
      "egress",
      {
        securityGroupId: node,
        cidrIpv4: "0.0.0.0/0",
        ipProtocol: "-1",
        description: "Nodes to AWS APIs, registries and the internet through NAT",
      },
    ],
  ];
}

/** `${name}-control-plane` and `${name}-node` security groups and the rules between them. */
export function createClusterSecurityGroups(
  name: string,
  vpcId: pulumi.Input<string>,
  clusterName: string,
  parent: pulumi.Resource,
): { controlPlane: aws.ec2.SecurityGroup; node: aws.ec2.SecurityGroup } {
  const controlPlane = new aws.ec2.SecurityGroup(
    `${name}-control-plane`,
    {
      vpcId,
      description: `EKS ${clusterName} control plane: API from nodes, kubelet and webhooks to nodes`,
      tags: { Name: `${clusterName}-control-plane` },
    },
    { parent },
  );
  const node = new aws.ec2.SecurityGroup(
    `${name}-node`,
    {
      vpcId,
      description: `EKS ${clusterName} nodes and pods`,
      // The AWS Load Balancer Controller finds the node security group by this tag.
      tags: { Name: `${clusterName}-node`, [`kubernetes.io/cluster/${clusterName}`]: "owned" },
    },
    { parent },
  );
  for (const [key, direction, ruleArgs] of clusterSecurityGroupRules(controlPlane.id, node.id)) {
    if (direction === "ingress") {
      new aws.vpc.SecurityGroupIngressRule(`${name}-${key}`, ruleArgs, { parent });
    } else {
      new aws.vpc.SecurityGroupEgressRule(`${name}-${key}`, ruleArgs, { parent });
    }
  }
  return { controlPlane, node };
}
