/**
 * Vault's namespace and its guardrails: Pod Security `restricted` in all three modes (every pod of
 * the component fits it), a ResourceQuota sized from the server pods, container defaults.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { formatCpu, formatMemory, parseCpu, parseMemory } from "../shared/quantity";
import type { VaultArgs } from "./vault-args";

/** Headroom in the namespace quota for the injector and the maintenance jobs (small, bounded pods). */
const QUOTA_HEADROOM = { cpuMillis: 2000, memoryBytes: 2 * 2 ** 30 };

/** Creates the namespace `namespace` with its quota and limits; returns its name (an Output other steps depend on). */
export function createVaultNamespace(
  name: string,
  namespace: string,
  args: Pick<VaultArgs, "replicas" | "resources">,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const ns = new k8s.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name: namespace,
        labels: {
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    },
    { parent },
  );
  createNamespaceLimits(name, ns.metadata.name, args, parent);
  return ns.metadata.name;
}

/**
 * ResourceQuota sized from the server pods plus headroom for the injector and jobs, and a
 * LimitRange giving defaults to any container that declares none.
 */
function createNamespaceLimits(
  name: string,
  namespace: pulumi.Input<string>,
  args: Pick<VaultArgs, "replicas" | "resources">,
  parent: pulumi.Resource,
): void {
  const total = (quantity: string, parse: (q: string) => number | undefined, headroom: number) =>
    args.replicas * (parse(quantity) ?? 0) + headroom;
  const { requests, limits } = args.resources;
  new k8s.core.v1.ResourceQuota(
    `${name}-quota`,
    {
      metadata: { name: "vault", namespace },
      spec: {
        hard: {
          "requests.cpu": formatCpu(total(requests.cpu, parseCpu, QUOTA_HEADROOM.cpuMillis)),
          "requests.memory": formatMemory(total(requests.memory, parseMemory, QUOTA_HEADROOM.memoryBytes)),
          "limits.cpu": formatCpu(total(limits.cpu, parseCpu, 2 * QUOTA_HEADROOM.cpuMillis)),
          "limits.memory": formatMemory(total(limits.memory, parseMemory, 2 * QUOTA_HEADROOM.memoryBytes)),
          "services.loadbalancers": "0",
          "services.nodeports": "0",
        },
      },
    },
    { parent },
  );
  new k8s.core.v1.LimitRange(
    `${name}-limits`,
    {
      metadata: { name: "vault", namespace },
      spec: {
        limits: [
          {
            type: "Container",
            defaultRequest: { cpu: "50m", memory: "64Mi" },
            default: { cpu: "500m", memory: "256Mi" },
          },
        ],
      },
    },
    { parent },
  );
}
