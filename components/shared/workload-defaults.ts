/**
 * Conventions of this platform that the workload components (`PlatformService`,
 * `AwsLoadBalancerController`) follow by default. Each is also an argument of those components, so
 * another platform can pass its own values; `infra/platform.ts` passes these once (decision 0060).
 * The Vault names live beside them in `vault-names.ts`.
 */
import {
  KV_MOUNT,
  SERVER_POD_LABELS,
  VAULT_ADDRESS,
  VAULT_CA_ISSUER,
  VAULT_NAMESPACE,
  VAULT_TOKEN_AUDIENCE,
} from "./vault-names";

/** Namespace of the platform's Prometheus: the only namespace allowed to scrape a service's metrics port. */
export const MONITORING_NAMESPACE = "monitoring";

/**
 * Prometheus of the monitoring namespace (kube-prometheus-stack's `kps-prometheus` Service), which
 * canary analyses query.
 */
export const PROMETHEUS_ADDRESS = `http://kps-prometheus.${MONITORING_NAMESPACE}.svc:9090`;

/** IngressClass of the AWS Load Balancer Controller, which exposed services' Ingresses name. */
export const INGRESS_CLASS = "alb";

/**
 * Toleration of the system nodes' taint (`CriticalAddonsOnly=true:NoSchedule`), which platform
 * add-ons such as the ALB controller carry so they can run there.
 */
export const SYSTEM_NODE_TOLERATION = {
  key: "CriticalAddonsOnly",
  operator: "Equal",
  value: "true",
  effect: "NoSchedule",
} as const;

/**
 * Namespaces of the cluster and of platform components that a service may not take as its name
 * (`kube-*` is always refused as well).
 */
export const RESERVED_NAMESPACES = [
  "default",
  MONITORING_NAMESPACE,
  VAULT_NAMESPACE,
  "external-secrets",
  "cert-manager",
] as const;

/** The platform's Vault as its clients reach it: the `vaultConnection` a service passes by default. */
export const PLATFORM_VAULT_CONNECTION = {
  address: VAULT_ADDRESS,
  namespace: VAULT_NAMESPACE,
  serverPodLabels: SERVER_POD_LABELS,
  caIssuer: VAULT_CA_ISSUER,
  kvMount: KV_MOUNT,
  tokenAudience: VAULT_TOKEN_AUDIENCE,
} as const;
