/**
 * Step "data clients": the security group the data stores admit (docs/decisions/0121). It needs only
 * the VPC, so it exists seconds into the first `pulumi up`; the cluster attaches it to every node
 * (and so every pod) through its launch templates, and PostgreSQL and Redis admit it on their ports.
 * The data tier then no longer waits for the EKS control plane (about 10 minutes): RDS and
 * ElastiCache, the longest creations, start as soon as their keys, subnets and this group exist.
 *
 * A marker group: no rules of its own (`ingress: []`, `egress: []`, authoritative). The nodes'
 * own group carries their egress; the data groups' inline ingress rules name this one.
 */
import * as aws from "@pulumi/aws";
import type { Network } from "../components/network/vpc";
import type { PlatformConfig } from "./config";

export function createDataClientsGroup(
  config: PlatformConfig,
  provider: aws.Provider,
  network: Network,
): aws.ec2.SecurityGroup {
  return new aws.ec2.SecurityGroup(
    "data-clients",
    {
      vpcId: network.vpcId,
      description: `EKS ${config.cluster.name} nodes and pods: the clients PostgreSQL and Redis admit`,
      ingress: [],
      egress: [],
      tags: { Name: `${config.cluster.name}-data-clients` },
    },
    { provider },
  );
}
