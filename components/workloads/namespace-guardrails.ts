/**
 * The service's own namespace and its guardrails: Pod Security Standards `restricted` (enforced,
 * audited and warned), a ResourceQuota on requests that also forbids load-balancer and node-port
 * Services, and a LimitRange that gives every container the service's requests and caps it at its
 * limits.
 */
import * as k8s from "@pulumi/kubernetes";
import { DEFAULT_QUOTA } from "./declaration";
import type { ServiceBase, ServiceScope } from "./scope";

const PSS_LEVEL = "restricted";

/** The Namespace, named after the service, with the Pod Security Standards labels. */
export function createNamespace(s: ServiceBase): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    `${s.name}-namespace`,
    {
      metadata: {
        name: s.service,
        labels: {
          ...s.labels,
          "pod-security.kubernetes.io/enforce": PSS_LEVEL,
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/audit": PSS_LEVEL,
          "pod-security.kubernetes.io/audit-version": "latest",
          "pod-security.kubernetes.io/warn": PSS_LEVEL,
          "pod-security.kubernetes.io/warn-version": "latest",
          // The ALB controller's webhook adds a readiness gate: a rollout waits for ALB health.
          ...(s.args.expose ? { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } : {}),
        },
      },
    },
    s.child,
  );
}

/** The namespace's ResourceQuota and LimitRange. */
export function createNamespaceGuardrails(s: ServiceScope): void {
  const quota = s.args.namespaceQuota ?? DEFAULT_QUOTA;
  const { requests, limits } = s.args.resources;
  new k8s.core.v1.ResourceQuota(
    `${s.name}-quota`,
    {
      metadata: s.meta(`${s.service}-quota`),
      spec: {
        hard: {
          "requests.cpu": quota.cpu,
          "requests.memory": quota.memory,
          // Exposure goes through the Ingress only: no load-balancer or node-port Services.
          "services.loadbalancers": "0",
          "services.nodeports": "0",
        },
      },
    },
    s.child,
  );
  new k8s.core.v1.LimitRange(
    `${s.name}-limits`,
    {
      metadata: s.meta(`${s.service}-limits`),
      spec: {
        limits: [
          {
            type: "Container",
            default: { ...limits },
            defaultRequest: { ...requests },
            max: { ...limits },
          },
        ],
      },
    },
    s.child,
  );
}
