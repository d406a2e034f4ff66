/**
 * One hardened service on the cluster, from one declaration: its own namespace (Pod Security
 * Standards `restricted`, quota, LimitRange, default-deny network policies), a ServiceAccount with
 * no API token, a Deployment with locked-down security contexts, probes and graceful shutdown, a
 * ClusterIP Service, an HTTPS-only ALB Ingress when exposed, an HPA when autoscaling is declared and
 * a PodDisruptionBudget that never blocks a drain. On request: secrets from Vault through the agent
 * injector (decision 0056) and a read-only Role on the Kubernetes API (decision 0043).
 *
 * All Kubernetes objects use the provider the caller passes (`opts.provider` or
 * `opts.providers`); the optional AWS role goes through {@link WorkloadIdentity}.
 */
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WorkloadIdentity } from "../cluster/workload-identity";
import { parseCidr } from "../network/cidr";
import {
  SERVER_POD_LABELS,
  VAULT_ADDRESS,
  VAULT_CA_ISSUER,
  VAULT_NAMESPACE,
  VAULT_TOKEN_AUDIENCE,
} from "../shared/vault-names";
import {
  DEFAULT_PROBES,
  DEFAULT_QUOTA,
  DEFAULT_RUN_AS_USER,
  KUBERNETES_READABLE,
  VAULT_AGENT_RESOURCES,
  crossFieldProblems,
  fieldProblems,
  scalingPlan,
  serviceNameProblem,
  vaultApiPath,
  type ServiceDeclaration,
  type VaultDeclaration,
} from "./spec";

/** A data-tier endpoint handed to dependents as plain (non-secret) environment. */
export interface DataEndpoint {
  /** Host name of the endpoint (RDS address, ElastiCache primary endpoint). */
  readonly host: pulumi.Input<string>;
  /** TCP port; also the port the egress policy opens. */
  readonly port: pulumi.Input<number>;
}

export interface PlatformServiceArgs extends Omit<ServiceDeclaration, "awsPolicyJson"> {
  /**
   * Inline IAM policy for the service's own role, bound to its ServiceAccount by EKS Pod Identity.
   * @default no AWS role
   */
  readonly awsPolicyJson?: pulumi.Input<string>;
  /** EKS cluster name; required with `awsPolicyJson`. @default none (no AWS role possible) */
  readonly clusterName?: pulumi.Input<string>;
  /** CIDRs of the data subnets (RDS, ElastiCache): the only egress destinations for 5432/6379. */
  readonly dataCidrs: readonly string[];
  /**
   * CIDRs of the public subnets. An internet-facing ALB (target type ip) reaches pods from its ENIs
   * there, so the http port admits these CIDRs (docs/decisions/0041).
   */
  readonly publicCidrs: readonly string[];
  /**
   * CIDRs of the subnets internal ALBs are placed in. Required for a service exposed with scheme
   * `internal`. Avoid the pod subnets: an ipBlock over them admits every pod of the cluster.
   * @default none
   */
  readonly internalCidrs?: readonly string[];
  /**
   * HTTP ports of the other services, by name; must hold every service named in `dependsOn`.
   * @default none (then the service may depend only on postgres and redis)
   */
  readonly servicePorts?: Readonly<Record<string, number>>;
  /**
   * Services that call this one (their `dependsOn` names it); each may reach the http port.
   * Compute once for all services with `callersByService`.
   * @default none
   */
  readonly callers?: readonly string[];
  /** PostgreSQL endpoint, exposed as POSTGRES_HOST/POSTGRES_PORT when `dependsOn` has postgres. @default no env, port 5432 */
  readonly postgres?: DataEndpoint;
  /** Redis endpoint, exposed as REDIS_HOST/REDIS_PORT when `dependsOn` has redis. @default no env, port 6379 */
  readonly redis?: DataEndpoint;
  /** Node labels the pods must land on, e.g. `{ workload: "application" }`. @default any untainted node */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * CIDRs of the Kubernetes API server's network interfaces (the EKS cluster's subnets); required
   * with `kubernetesApi`: the egress policy opens TCP 443 to them only.
   * @default none
   */
  readonly apiServerCidrs?: readonly string[];
}

/** Seconds the preStop hook waits so the ALB and kube-proxy stop routing before the process gets SIGTERM. */
export const PRE_STOP_SECONDS = 15;
/** Time a terminating pod gets: the preStop delay plus 30 s for in-flight requests, plus margin. */
export const TERMINATION_GRACE_SECONDS = 60;
/** ALB target deregistration delay, shorter than the time left after preStop. */
export const DEREGISTRATION_DELAY_SECONDS = 30;
export const ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/**
 * Link-local address of the EKS Pod Identity agent (a hostNetwork DaemonSet on every node). Pods with
 * an AWS role fetch their credentials from it on TCP 80; the default-deny egress policy would block it.
 */
export const POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32";
/** Private IPv4 ranges (RFC 1918): never reached by the internet egress rule. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;
const PSS_LEVEL = "restricted";
/** Projected-token volume the Vault agent logs in with; mounted into the agent containers only. */
export const VAULT_TOKEN_VOLUME = "vault-token";
/** Secret (in the service's namespace) whose `ca.crt` is Vault's CA; mounted by the agent at /vault/tls. */
export const VAULT_TLS_SECRET = "vault-tls";
/** Lifetime of the agent's projected token; the kubelet renews it at 80 %. */
export const VAULT_TOKEN_SECONDS = 3600;
/**
 * Seconds the agent sidecar waits after termination starts before revoking its token (and with it the
 * database logins): the app's preStop delay plus 30 s for in-flight requests, inside the grace period.
 */
export const VAULT_REVOKE_GRACE_SECONDS = PRE_STOP_SECONDS + 30;

/**
 * Pod annotations that make the Vault Agent injector add an init container (secrets exist before the
 * app starts) and a sidecar (renews leases, re-renders files) running as the service's own UID.
 */
export function vaultAgentAnnotations(
  service: string,
  uid: number,
  vault: VaultDeclaration,
): Record<string, string> {
  const annotations: Record<string, string> = {
    "vault.hashicorp.com/agent-inject": "true",
    "vault.hashicorp.com/role": service,
    "vault.hashicorp.com/service": VAULT_ADDRESS,
    "vault.hashicorp.com/tls-secret": VAULT_TLS_SECRET,
    "vault.hashicorp.com/ca-cert": "/vault/tls/ca.crt",
    "vault.hashicorp.com/agent-service-account-token-volume-name": VAULT_TOKEN_VOLUME,
    "vault.hashicorp.com/agent-pre-populate": "true",
    "vault.hashicorp.com/agent-pre-populate-only": "false",
    "vault.hashicorp.com/agent-revoke-on-shutdown": "true",
    "vault.hashicorp.com/agent-revoke-grace": String(VAULT_REVOKE_GRACE_SECONDS),
    "vault.hashicorp.com/agent-set-security-context": "true",
    "vault.hashicorp.com/agent-run-as-user": String(uid),
    "vault.hashicorp.com/agent-run-as-group": String(uid),
    "vault.hashicorp.com/agent-requests-cpu": VAULT_AGENT_RESOURCES.requests.cpu,
    "vault.hashicorp.com/agent-requests-mem": VAULT_AGENT_RESOURCES.requests.memory,
    "vault.hashicorp.com/agent-limits-cpu": VAULT_AGENT_RESOURCES.limits.cpu,
    "vault.hashicorp.com/agent-limits-mem": VAULT_AGENT_RESOURCES.limits.memory,
  };
  for (const secret of vault.secrets) {
    const apiPath = vaultApiPath(secret.path);
    // KV v2 wraps the values in .Data.data; a database login is .Data (username, password).
    const data = apiPath === secret.path ? ".Data" : ".Data.data";
    annotations[`vault.hashicorp.com/agent-inject-secret-${secret.file}`] = apiPath;
    annotations[`vault.hashicorp.com/agent-inject-template-${secret.file}`] =
      `{{- with secret "${apiPath}" -}}{{ ${data} | toJSON }}{{- end }}`;
    annotations[`vault.hashicorp.com/agent-inject-perms-${secret.file}`] = "0400";
  }
  return annotations;
}

/** Every problem with the args, as sentences; empty when valid. Pure, so tests call it directly. */
export function validatePlatformServiceArgs(args: PlatformServiceArgs): string[] {
  const declaration = { ...args, awsPolicyJson: undefined };
  const problems = [...fieldProblems(declaration), ...crossFieldProblems(declaration)].map(
    (p) => `${p.path}: ${p.message} (received ${JSON.stringify(p.received) ?? "nothing"})`,
  );
  const cidrs = (label: string, list: readonly string[] | undefined) =>
    (list ?? []).forEach((cidr) => {
      const parsed = parseCidr(cidr);
      if (typeof parsed === "string") {
        problems.push(`${label}: '${cidr}' ${parsed}`);
      }
    });
  cidrs("dataCidrs", args.dataCidrs);
  cidrs("publicCidrs", args.publicCidrs);
  cidrs("internalCidrs", args.internalCidrs);
  const dependsOn = args.dependsOn ?? [];
  if ((dependsOn.includes("postgres") || dependsOn.includes("redis")) && args.dataCidrs.length === 0) {
    problems.push(
      "dataCidrs: is empty but the service depends on the data tier; pass the data subnets' CIDRs",
    );
  }
  if (args.expose?.scheme === "internet-facing" && args.publicCidrs.length === 0) {
    problems.push(
      "publicCidrs: is empty but the service is exposed internet-facing; pass the public subnets' CIDRs",
    );
  }
  if (args.expose?.scheme === "internal" && (args.internalCidrs ?? []).length === 0) {
    problems.push(
      "internalCidrs: is required for an internal exposure; pass the CIDRs of the subnets internal ALBs use",
    );
  }
  for (const dep of dependsOn) {
    if (dep !== "postgres" && dep !== "redis" && args.servicePorts?.[dep] === undefined) {
      problems.push(
        `dependsOn: '${dep}' has no entry in servicePorts; pass the http port of every service it calls`,
      );
    }
  }
  for (const caller of args.callers ?? []) {
    const problem = serviceNameProblem(caller);
    if (problem !== undefined) {
      problems.push(`callers: '${caller}' ${problem}`);
    }
  }
  cidrs("apiServerCidrs", args.apiServerCidrs);
  if (args.kubernetesApi && (args.apiServerCidrs ?? []).length === 0) {
    problems.push(
      "apiServerCidrs: is required with kubernetesApi; pass the CIDRs of the subnets the EKS control plane's interfaces sit in",
    );
  }
  if (args.awsPolicyJson !== undefined && args.clusterName === undefined) {
    problems.push(
      "clusterName: is required with awsPolicyJson (the Pod Identity association names the cluster)",
    );
  }
  return problems;
}

/** Content hash for a ConfigMap name: new values, new name, so the Deployment rolls out. */
export function configHash(data: Readonly<Record<string, string>>): string {
  const stable = Object.keys(data)
    .sort()
    .map((k) => [k, data[k]]);
  return createHash("sha256").update(JSON.stringify(stable)).digest("hex").slice(0, 10);
}

/** A hardened service: namespace, identity, workload, exposure, scaling and network isolation. */
export class PlatformService extends pulumi.ComponentResource {
  /** Namespace holding every object of the service (named after the service). */
  public readonly namespace: pulumi.Output<string>;
  /** In-cluster DNS name of the Service: `<name>.<name>.svc.cluster.local`. */
  public readonly clusterHost: pulumi.Output<string>;
  /** The Deployment's name. */
  public readonly deploymentName: pulumi.Output<string>;
  /** ARN of the service's AWS role; undefined without `awsPolicyJson`. */
  public readonly roleArn: pulumi.Output<string> | undefined;
  /** Public or internal host name of the ALB; undefined when not exposed. */
  public readonly loadBalancerHostname: pulumi.Output<string> | undefined;

  constructor(name: string, args: PlatformServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:workloads:Service", name, {}, opts);
    const problems = validatePlatformServiceArgs(args);
    if (problems.length > 0) {
      throw new Error(`PlatformService '${name}' has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
    const svc = args.name;
    const plan = scalingPlan(args);
    const selector = { "app.kubernetes.io/name": svc };
    const labels = {
      ...selector,
      "app.kubernetes.io/part-of": "platform",
      "app.kubernetes.io/managed-by": "pulumi",
    };
    const dependsOn = args.dependsOn ?? [];
    const quota = args.namespaceQuota ?? DEFAULT_QUOTA;
    const uid = args.runAsUser ?? DEFAULT_RUN_AS_USER;
    const probes = {
      liveness: args.probes?.liveness ?? DEFAULT_PROBES.liveness,
      readiness: args.probes?.readiness ?? DEFAULT_PROBES.readiness,
      startup: args.probes?.startup ?? args.probes?.liveness ?? DEFAULT_PROBES.liveness,
    };
    const child = { parent: this };

    // ---- Namespace, quota, defaults ---------------------------------------------------------
    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: svc,
          labels: {
            ...labels,
            "pod-security.kubernetes.io/enforce": PSS_LEVEL,
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": PSS_LEVEL,
            "pod-security.kubernetes.io/audit-version": "latest",
            "pod-security.kubernetes.io/warn": PSS_LEVEL,
            "pod-security.kubernetes.io/warn-version": "latest",
            // The ALB controller's webhook adds a readiness gate: a rollout waits for ALB health.
            ...(args.expose ? { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } : {}),
          },
        },
      },
      child,
    );
    const namespace = ns.metadata.name;
    const meta = (objectName: string) => ({ name: objectName, namespace, labels });

    new k8s.core.v1.ResourceQuota(
      `${name}-quota`,
      {
        metadata: meta(`${svc}-quota`),
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
      child,
    );
    new k8s.core.v1.LimitRange(
      `${name}-limits`,
      {
        metadata: meta(`${svc}-limits`),
        spec: {
          limits: [
            {
              type: "Container",
              default: { ...args.resources.limits },
              defaultRequest: { ...args.resources.requests },
              max: { ...args.resources.limits },
            },
          ],
        },
      },
      child,
    );

    // ---- Identity ---------------------------------------------------------------------------
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-service-account`,
      { metadata: meta(svc), automountServiceAccountToken: false },
      child,
    );
    if (args.kubernetesApi) {
      const resources = [...new Set(args.kubernetesApi.readOnly)].sort();
      const groups = [
        ...new Set(resources.map((r) => KUBERNETES_READABLE[r as keyof typeof KUBERNETES_READABLE])),
      ];
      const role = new k8s.rbac.v1.Role(
        `${name}-api-reader`,
        {
          metadata: meta(`${svc}-api-reader`),
          rules: groups.sort().map((group) => ({
            apiGroups: [group],
            resources: resources.filter(
              (r) => KUBERNETES_READABLE[r as keyof typeof KUBERNETES_READABLE] === group,
            ),
            verbs: ["get", "list", "watch"],
          })),
        },
        child,
      );
      new k8s.rbac.v1.RoleBinding(
        `${name}-api-reader`,
        {
          metadata: meta(`${svc}-api-reader`),
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
          subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace }],
        },
        child,
      );
    }
    // Vault's CA in this namespace: a certificate from the Vault CA ClusterIssuer, whose Secret carries
    // ca.crt. The agent trusts it; nothing uses the certificate's own key (decision 0056).
    const vaultCa = args.vault
      ? new k8s.apiextensions.CustomResource(
          `${name}-vault-ca`,
          {
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: meta(VAULT_TLS_SECRET),
            spec: {
              secretName: VAULT_TLS_SECRET,
              commonName: `${svc}.vault-agent`,
              duration: "2160h",
              renewBefore: "720h",
              privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
              usages: ["client auth", "digital signature"],
              issuerRef: { name: VAULT_CA_ISSUER, kind: "ClusterIssuer", group: "cert-manager.io" },
            },
          },
          child,
        )
      : undefined;
    const identity =
      args.awsPolicyJson !== undefined
        ? new WorkloadIdentity(
            `${name}-identity`,
            {
              clusterName: args.clusterName!,
              namespace: svc,
              serviceAccount: svc,
              policyJson: args.awsPolicyJson,
            },
            child,
          )
        : undefined;

    // ---- Configuration and environment --------------------------------------------------------
    const config = args.config ?? {};
    const configMap =
      Object.keys(config).length > 0
        ? new k8s.core.v1.ConfigMap(
            `${name}-config`,
            { metadata: meta(`${svc}-config-${configHash(config)}`), immutable: true, data: { ...config } },
            child,
          )
        : undefined;
    const env: k8s.types.input.core.v1.EnvVar[] = [];
    if (dependsOn.includes("postgres") && args.postgres) {
      env.push({ name: "POSTGRES_HOST", value: args.postgres.host });
      env.push({ name: "POSTGRES_PORT", value: pulumi.output(args.postgres.port).apply(String) });
    }
    if (dependsOn.includes("redis") && args.redis) {
      env.push({ name: "REDIS_HOST", value: args.redis.host });
      env.push({ name: "REDIS_PORT", value: pulumi.output(args.redis.port).apply(String) });
    }
    for (const secret of args.secretEnv ?? []) {
      env.push({
        name: secret.name,
        valueFrom: { secretKeyRef: { name: secret.secretName, key: secret.key, optional: false } },
      });
    }

    // ---- Workload -----------------------------------------------------------------------------
    const ports = [
      { name: "http", containerPort: args.ports.http, protocol: "TCP" },
      ...(args.ports.metrics !== undefined
        ? [{ name: "metrics", containerPort: args.ports.metrics, protocol: "TCP" }]
        : []),
    ];
    const httpGet = (path: string) => ({ httpGet: { path, port: "http", scheme: "HTTP" } });
    const spread = (topologyKey: string) => ({
      maxSkew: 1,
      topologyKey,
      // Soft: in an AZ outage the surviving zones must still take the replacements.
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels: selector },
      matchLabelKeys: ["pod-template-hash"],
      nodeTaintsPolicy: "Honor",
    });
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: meta(svc),
        spec: {
          // With an HPA the count is left to it (Kubernetes' advice): re-applying a fixed count
          // would scale the service down on every update.
          replicas: plan.deploymentReplicas,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          strategy: {
            type: "RollingUpdate",
            rollingUpdate: { maxSurge: plan.maxSurge, maxUnavailable: plan.maxUnavailable },
          },
          template: {
            metadata: {
              labels,
              annotations: {
                ...(args.ports.metrics !== undefined
                  ? {
                      "prometheus.io/scrape": "true",
                      "prometheus.io/port": String(args.ports.metrics),
                      "prometheus.io/path": "/metrics",
                    }
                  : {}),
                ...(args.vault ? vaultAgentAnnotations(svc, uid, args.vault) : {}),
              },
            },
            spec: {
              serviceAccountName: serviceAccount.metadata.name,
              // The ServiceAccount never automounts; only a service granted API access opts in here.
              automountServiceAccountToken: args.kubernetesApi !== undefined,
              enableServiceLinks: false,
              terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
              nodeSelector: args.nodeSelector ? { ...args.nodeSelector } : undefined,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: uid,
                runAsGroup: uid,
                fsGroup: uid,
                fsGroupChangePolicy: "OnRootMismatch",
                seccompProfile: { type: "RuntimeDefault" },
              },
              topologySpreadConstraints: [
                spread("topology.kubernetes.io/zone"),
                spread("kubernetes.io/hostname"),
              ],
              containers: [
                {
                  name: svc,
                  image: args.image,
                  imagePullPolicy: "IfNotPresent",
                  ports,
                  env,
                  envFrom: configMap ? [{ configMapRef: { name: configMap.metadata.name } }] : undefined,
                  resources: {
                    requests: { ...args.resources.requests },
                    limits: { ...args.resources.limits },
                  },
                  startupProbe: {
                    ...httpGet(probes.startup),
                    periodSeconds: 5,
                    timeoutSeconds: 2,
                    failureThreshold: 30,
                  },
                  readinessProbe: {
                    ...httpGet(probes.readiness),
                    periodSeconds: 10,
                    timeoutSeconds: 2,
                    failureThreshold: 3,
                  },
                  livenessProbe: {
                    ...httpGet(probes.liveness),
                    periodSeconds: 10,
                    timeoutSeconds: 2,
                    failureThreshold: 3,
                  },
                  lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ["ALL"] },
                  },
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [
                { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                // Not mounted by the app: the injector mounts it into the agent containers only. Its
                // audience makes it worthless against the API server.
                ...(args.vault
                  ? [
                      {
                        name: VAULT_TOKEN_VOLUME,
                        projected: {
                          sources: [
                            {
                              serviceAccountToken: {
                                path: "token",
                                audience: VAULT_TOKEN_AUDIENCE,
                                expirationSeconds: VAULT_TOKEN_SECONDS,
                              },
                            },
                          ],
                        },
                      },
                    ]
                  : []),
              ],
            },
          },
        },
      },
      // The Pod Identity association must exist before the first pod, or it starts without credentials;
      // the Vault CA Secret before the agent mounts it.
      { parent: this, dependsOn: [...(identity ? [identity] : []), ...(vaultCa ? [vaultCa] : [])] },
    );

    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta(svc),
        spec: {
          type: "ClusterIP",
          selector,
          ports: ports.map((p) => ({
            name: p.name,
            port: p.containerPort,
            targetPort: p.name,
            protocol: "TCP",
            appProtocol: "http",
          })),
        },
      },
      child,
    );

    let ingress: k8s.networking.v1.Ingress | undefined;
    if (args.expose) {
      ingress = new k8s.networking.v1.Ingress(
        `${name}-ingress`,
        {
          metadata: {
            ...meta(svc),
            annotations: {
              "alb.ingress.kubernetes.io/scheme": args.expose.scheme,
              "alb.ingress.kubernetes.io/target-type": "ip",
              "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80},{"HTTPS":443}]',
              "alb.ingress.kubernetes.io/ssl-redirect": "443",
              "alb.ingress.kubernetes.io/certificate-arn": args.expose.certificateArn!,
              "alb.ingress.kubernetes.io/ssl-policy": ALB_SSL_POLICY,
              "alb.ingress.kubernetes.io/backend-protocol": "HTTP",
              "alb.ingress.kubernetes.io/healthcheck-path": probes.readiness,
              "alb.ingress.kubernetes.io/healthcheck-port": "traffic-port",
              "alb.ingress.kubernetes.io/target-group-attributes": `deregistration_delay.timeout_seconds=${DEREGISTRATION_DELAY_SECONDS}`,
              "alb.ingress.kubernetes.io/load-balancer-attributes":
                "routing.http.drop_invalid_header_fields.enabled=true",
            },
          },
          spec: {
            ingressClassName: "alb",
            rules: [
              {
                host: args.expose.host,
                http: {
                  paths: [
                    {
                      path: "/",
                      pathType: "Prefix",
                      backend: { service: { name: service.metadata.name, port: { name: "http" } } },
                    },
                  ],
                },
              },
            ],
          },
        },
        child,
      );
    }

    // ---- Scaling and disruption -------------------------------------------------------------
    if (plan.hpa && args.autoscaling) {
      const metric = (resource: string, utilization: number) => ({
        type: "Resource",
        resource: { name: resource, target: { type: "Utilization", averageUtilization: utilization } },
      });
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${name}-hpa`,
        {
          metadata: meta(svc),
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
            minReplicas: plan.hpa.minReplicas,
            maxReplicas: plan.hpa.maxReplicas,
            metrics: [
              ...(args.autoscaling.cpuUtilization !== undefined
                ? [metric("cpu", args.autoscaling.cpuUtilization)]
                : []),
              ...(args.autoscaling.memoryUtilization !== undefined
                ? [metric("memory", args.autoscaling.memoryUtilization)]
                : []),
            ],
            behavior: {
              scaleUp: {
                stabilizationWindowSeconds: 0,
                selectPolicy: "Max",
                policies: [
                  { type: "Percent", value: 100, periodSeconds: 15 },
                  { type: "Pods", value: 4, periodSeconds: 15 },
                ],
              },
              scaleDown: {
                stabilizationWindowSeconds: 300,
                selectPolicy: "Max",
                policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
              },
            },
          },
        },
        child,
      );
    }
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: meta(svc),
        spec: {
          maxUnavailable: plan.pdbMaxUnavailable,
          selector: { matchLabels: selector },
          // Pods that are not ready protect nothing: they may always be evicted, so a drain never hangs.
          unhealthyPodEvictionPolicy: "AlwaysAllow",
        },
      },
      child,
    );

    // ---- Network policies -------------------------------------------------------------------
    const policy = (key: string, objectName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
      new k8s.networking.v1.NetworkPolicy(`${name}-${key}`, { metadata: meta(objectName), spec }, child);
    const tcp = (port: pulumi.Input<number>) => ({ protocol: "TCP", port });
    const cidrPeers = (cidrs: readonly string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
    const namespacePeer = (ns: string, pods?: Record<string, string>) => ({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
      ...(pods ? { podSelector: { matchLabels: pods } } : {}),
    });

    policy("deny-all", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    policy("allow-dns", "allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [namespacePeer("kube-system", { "k8s-app": "kube-dns" })],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    });
    if (args.expose) {
      const sources =
        args.expose.scheme === "internet-facing" ? args.publicCidrs : (args.internalCidrs ?? []);
      policy("allow-load-balancer", "allow-from-load-balancer", {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress"],
        ingress: [{ from: cidrPeers(sources), ports: [tcp(args.ports.http)] }],
      });
    }
    if (args.ports.metrics !== undefined) {
      policy("allow-metrics", "allow-metrics-scrape", {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress"],
        ingress: [{ from: [namespacePeer("monitoring")], ports: [tcp(args.ports.metrics)] }],
      });
    }
    for (const caller of [...new Set(args.callers ?? [])].sort()) {
      policy(`from-${caller}`, `allow-from-${caller}`, {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [namespacePeer(caller, { "app.kubernetes.io/name": caller })],
            ports: [tcp(args.ports.http)],
          },
        ],
      });
    }
    const dataPorts = { postgres: args.postgres?.port ?? 5432, redis: args.redis?.port ?? 6379 };
    for (const dep of dependsOn) {
      if (dep === "postgres" || dep === "redis") {
        policy(`allow-${dep}`, `allow-${dep}`, {
          podSelector: { matchLabels: selector },
          policyTypes: ["Egress"],
          egress: [{ to: cidrPeers(args.dataCidrs), ports: [tcp(dataPorts[dep])] }],
        });
      } else {
        policy(`to-${dep}`, `allow-to-${dep}`, {
          podSelector: { matchLabels: selector },
          policyTypes: ["Egress"],
          egress: [
            {
              to: [namespacePeer(dep, { "app.kubernetes.io/name": dep })],
              ports: [tcp(args.servicePorts![dep])],
            },
          ],
        });
      }
    }
    if (identity) {
      policy("allow-pod-identity-agent", "allow-pod-identity-agent", {
        podSelector: { matchLabels: selector },
        policyTypes: ["Egress"],
        egress: [{ to: cidrPeers([POD_IDENTITY_AGENT_CIDR]), ports: [tcp(80)] }],
      });
    }
    if (args.vault) {
      policy("allow-vault", "allow-vault", {
        podSelector: { matchLabels: selector },
        policyTypes: ["Egress"],
        egress: [{ to: [namespacePeer(VAULT_NAMESPACE, { ...SERVER_POD_LABELS })], ports: [tcp(8200)] }],
      });
    }
    if (args.kubernetesApi) {
      policy("allow-kubernetes-api", "allow-kubernetes-api", {
        podSelector: { matchLabels: selector },
        policyTypes: ["Egress"],
        egress: [{ to: cidrPeers(args.apiServerCidrs ?? []), ports: [tcp(443)] }],
      });
    }
    if (args.internetEgress) {
      policy("allow-internet-https", "allow-internet-https", {
        podSelector: { matchLabels: selector },
        policyTypes: ["Egress"],
        egress: [
          { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...PRIVATE_RANGES] } }], ports: [tcp(443)] },
        ],
      });
    }

    this.namespace = namespace;
    this.clusterHost = pulumi.interpolate`${service.metadata.name}.${namespace}.svc.cluster.local`;
    this.deploymentName = deployment.metadata.name;
    this.roleArn = identity?.roleArn;
    this.loadBalancerHostname = ingress?.status.loadBalancer.ingress.apply(
      (entries) => entries?.[0]?.hostname ?? "",
    );
    this.registerOutputs({
      namespace: this.namespace,
      clusterHost: this.clusterHost,
      deploymentName: this.deploymentName,
      roleArn: this.roleArn,
      loadBalancerHostname: this.loadBalancerHostname,
    });
  }
}
