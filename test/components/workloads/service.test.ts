import {
  byName,
  json,
  ofType,
  runProgram,
  type OfflineRun,
  type RecordedResource,
} from "../../support/offline";
import { validatePlatformServiceArgs, type PlatformServiceArgs } from "../../../components/workloads/service";

const CERT = "arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/api:1.0.0";
const WEB_ACL = "arn:aws:wafv2:us-west-2:123456789012:regional/webacl/platform-test/0000";
const POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
});

/** The seed api, exposed, with every optional feature on. */
const API: PlatformServiceArgs = {
  name: "api",
  image: IMAGE,
  ports: { http: 8000, metrics: 9090 },
  replicas: 3,
  autoscaling: { minReplicas: 3, maxReplicas: 20, cpuUtilization: 70, memoryUtilization: 80 },
  resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2000m", memory: "8Gi" } },
  dependsOn: ["postgres", "redis", "billing"],
  internetEgress: true,
  expose: { scheme: "internet-facing", host: "api.example.com", certificateArn: CERT },
  secretEnv: [{ name: "DATABASE_PASSWORD", secretName: "api-db", key: "password" }],
  config: { LOG_LEVEL: "info" },
  namespaceQuota: { cpu: "16", memory: "48Gi" },
  runAsUser: 10001,
  awsPolicyJson: POLICY,
  clusterName: "platform-test",
  dataCidrs: ["10.0.144.0/24", "10.0.145.0/24"],
  publicCidrs: ["10.0.128.0/24", "10.0.129.0/24"],
  servicePorts: { billing: 8080 },
  callers: ["web"],
  postgres: { host: "db.example.internal", port: 5432 },
  redis: { host: "cache.example.internal", port: 6379 },
  nodeSelector: { workload: "application" },
  loadBalancer: { webAclArn: WEB_ACL, accessLogBucket: "alb-logs", deletionProtection: true },
};

const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SELECTOR = { matchLabels: { "app.kubernetes.io/name": "api" } };
const LABELS = {
  "app.kubernetes.io/name": "api",
  "app.kubernetes.io/part-of": "platform",
  "app.kubernetes.io/managed-by": "pulumi",
};
const meta = (name: string) => ({ name, namespace: "api", labels: LABELS });

describe("PlatformService (exposed api with every feature)", () => {
  let run: OfflineRun;
  let spec: (type: string, name: string) => Record<string, unknown>;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const k8s = await import("@pulumi/kubernetes");
      const { PlatformService } = await import("../../../components/workloads/service");
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      const svc = new PlatformService("api", API, { provider });
      return { namespace: svc.namespace, clusterHost: svc.clusterHost, roleArn: svc.roleArn };
    });
    spec = (type, name) => byName(run, type, name).inputs.spec as Record<string, unknown>;
  });

  test("creates exactly these children, all under the component, Kubernetes ones through the given provider", () => {
    const children = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(children.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        "kubernetes:core/v1:Namespace api-namespace",
        "kubernetes:core/v1:ResourceQuota api-quota",
        "kubernetes:core/v1:LimitRange api-limits",
        "kubernetes:core/v1:ServiceAccount api-service-account",
        "kubernetes:core/v1:ConfigMap api-config",
        "kubernetes:apps/v1:Deployment api-deployment",
        "kubernetes:core/v1:Service api-service",
        "kubernetes:networking.k8s.io/v1:Ingress api-ingress",
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler api-hpa",
        "kubernetes:policy/v1:PodDisruptionBudget api-pdb",
        `${NP} api-deny-all`,
        `${NP} api-allow-dns`,
        `${NP} api-allow-load-balancer`,
        `${NP} api-allow-metrics`,
        "kubernetes:monitoring.coreos.com/v1:ServiceMonitor api-service-monitor",
        `${NP} api-from-web`,
        `${NP} api-allow-postgres`,
        `${NP} api-allow-redis`,
        `${NP} api-to-billing`,
        `${NP} api-allow-internet-https`,
        `${NP} api-allow-pod-identity-agent`,
        "aws:iam/role:Role api-identity-role",
        "aws:iam/rolePolicy:RolePolicy api-identity-policy",
        "aws:eks/podIdentityAssociation:PodIdentityAssociation api-identity-association",
      ].sort(),
    );
    const component = byName(run, "platform:workloads:Service", "api");
    const identity = byName(run, "platform:cluster:WorkloadIdentity", "api-identity");
    expect(identity.parent).toBe(component.urn);
    const provider = byName(run, "pulumi:providers:kubernetes", "k8s");
    for (const r of children.filter((c) => c.type.startsWith("kubernetes:"))) {
      expect(r.parent).toBe(component.urn);
      expect(r.provider).toBe(`${provider.urn}::${provider.id}`);
    }
  });

  test("namespace enforces, audits and warns Pod Security Standards restricted and gets ALB readiness gates", () => {
    expect(byName(run, "kubernetes:core/v1:Namespace", "api-namespace").inputs).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: "api",
        labels: {
          ...LABELS,
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/audit-version": "latest",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/warn-version": "latest",
          "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
        },
      },
    });
  });

  test("quota caps requests and forbids load-balancer and node-port Services; LimitRange defaults and caps containers", () => {
    const quota = byName(run, "kubernetes:core/v1:ResourceQuota", "api-quota").inputs;
    expect(quota.metadata).toEqual(meta("api-quota"));
    expect(quota.spec).toEqual({
      hard: {
        "requests.cpu": "16",
        "requests.memory": "48Gi",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
      },
    });
    expect(spec("kubernetes:core/v1:LimitRange", "api-limits")).toEqual({
      limits: [
        {
          type: "Container",
          default: { cpu: "2000m", memory: "8Gi" },
          defaultRequest: { cpu: "500m", memory: "2Gi" },
          max: { cpu: "2000m", memory: "8Gi" },
        },
      ],
    });
  });

  test("service account has no API token", () => {
    expect(byName(run, "kubernetes:core/v1:ServiceAccount", "api-service-account").inputs).toEqual({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: meta("api"),
      automountServiceAccountToken: false,
    });
  });

  test("the AWS role is bound to exactly this namespace and service account by Pod Identity", () => {
    const assoc = byName(
      run,
      "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "api-identity-association",
    );
    expect(assoc.inputs).toMatchObject({
      clusterName: "platform-test",
      namespace: "api",
      serviceAccount: "api",
    });
    expect(json(byName(run, "aws:iam/rolePolicy:RolePolicy", "api-identity-policy").inputs.policy)).toEqual(
      JSON.parse(POLICY),
    );
    expect(run.outputs.roleArn).toBe("arn:aws:iam::123456789012:role/api-identity-role");
    const deployment = byName(run, "kubernetes:apps/v1:Deployment", "api-deployment");
    // dependsOn on the identity component waits for its children, the association among them.
    expect(deployment.dependencies).toContain(
      byName(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "api-identity-association").urn,
    );
  });

  test("config is an immutable, content-named ConfigMap", () => {
    const cm = byName(run, "kubernetes:core/v1:ConfigMap", "api-config").inputs;
    expect(cm.metadata).toEqual(
      meta(expect.stringMatching(/^api-config-[0-9a-f]{10}$/) as unknown as string),
    );
    expect(cm.immutable).toBe(true);
    expect(cm.data).toEqual({ LOG_LEVEL: "info" });
  });

  describe("Deployment", () => {
    let deployment: Record<string, unknown>;
    let pod: Record<string, unknown>;
    let container: Record<string, unknown>;
    beforeAll(() => {
      deployment = spec("kubernetes:apps/v1:Deployment", "api-deployment");
      pod = (deployment.template as { spec: Record<string, unknown> }).spec;
      container = (pod.containers as Record<string, unknown>[])[0];
    });

    test("leaves the replica count to the HPA and rolls one pod at a time", () => {
      expect(deployment.replicas).toBeUndefined();
      expect(deployment.selector).toEqual(SELECTOR);
      expect(deployment.strategy).toEqual({
        type: "RollingUpdate",
        rollingUpdate: { maxSurge: 1, maxUnavailable: 1 },
      });
    });

    test("pod: non-root UID/GID, fsGroup, seccomp RuntimeDefault, no token, no service links, graceful termination", () => {
      expect(pod.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(pod.serviceAccountName).toBe("api");
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.enableServiceLinks).toBe(false);
      expect(pod.terminationGracePeriodSeconds).toBe(60);
      expect(pod.nodeSelector).toEqual({ workload: "application" });
      expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }]);
    });

    test("pod template carries the labels and the Prometheus scrape annotations", () => {
      expect((deployment.template as { metadata: unknown }).metadata).toEqual({
        labels: LABELS,
        annotations: {
          "prometheus.io/scrape": "true",
          "prometheus.io/port": "9090",
          "prometheus.io/path": "/metrics",
        },
      });
    });

    test("spreads softly across zones and nodes, per revision, ignoring tainted nodes", () => {
      const constraint = (topologyKey: string) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: SELECTOR,
        matchLabelKeys: ["pod-template-hash"],
        nodeTaintsPolicy: "Honor",
      });
      expect(pod.topologySpreadConstraints).toEqual([
        constraint("topology.kubernetes.io/zone"),
        constraint("kubernetes.io/hostname"),
      ]);
    });

    test("container: read-only root, no escalation, every capability dropped, only /tmp writable", () => {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(container.volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
      expect(container.image).toBe(IMAGE);
      expect(container.ports).toEqual([
        { name: "http", containerPort: 8000, protocol: "TCP" },
        { name: "metrics", containerPort: 9090, protocol: "TCP" },
      ]);
    });

    test("container: requests and limits, and the three probes on the health endpoints", () => {
      expect(container.resources).toEqual({
        requests: { cpu: "500m", memory: "2Gi" },
        limits: { cpu: "2000m", memory: "8Gi" },
      });
      const get = (path: string) => ({ path, port: "http", scheme: "HTTP" });
      expect(container.startupProbe).toEqual({
        httpGet: get("/health"),
        periodSeconds: 5,
        timeoutSeconds: 2,
        failureThreshold: 30,
      });
      expect(container.readinessProbe).toEqual({
        httpGet: get("/ready"),
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold: 3,
      });
      expect(container.livenessProbe).toEqual({
        httpGet: get("/health"),
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold: 3,
      });
      expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 15 } } });
    });

    test("credentials only by Secret reference; data endpoints as plain env; config from the ConfigMap", () => {
      expect(container.env).toEqual([
        { name: "POSTGRES_HOST", value: "db.example.internal" },
        { name: "POSTGRES_PORT", value: "5432" },
        { name: "REDIS_HOST", value: "cache.example.internal" },
        { name: "REDIS_PORT", value: "6379" },
        {
          name: "DATABASE_PASSWORD",
          valueFrom: { secretKeyRef: { name: "api-db", key: "password", optional: false } },
        },
      ]);
      const configMapName = (
        byName(run, "kubernetes:core/v1:ConfigMap", "api-config").inputs.metadata as { name: string }
      ).name;
      expect(container.envFrom).toEqual([{ configMapRef: { name: configMapName } }]);
    });
  });

  test("Service is ClusterIP on the named ports", () => {
    expect(spec("kubernetes:core/v1:Service", "api-service")).toEqual({
      type: "ClusterIP",
      selector: SELECTOR.matchLabels,
      ports: [
        { name: "http", port: 8000, targetPort: "http", protocol: "TCP", appProtocol: "http" },
        { name: "metrics", port: 9090, targetPort: "metrics", protocol: "TCP", appProtocol: "http" },
      ],
    });
  });

  test("Ingress: ALB, IP targets, HTTPS with the certificate and a TLS 1.3 policy, HTTP only redirects, WAF, access logs, deletion protection", () => {
    const ingress = byName(run, "kubernetes:networking.k8s.io/v1:Ingress", "api-ingress").inputs;
    expect((ingress.metadata as { annotations: unknown }).annotations).toEqual({
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/target-type": "ip",
      "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80},{"HTTPS":443}]',
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
      "alb.ingress.kubernetes.io/certificate-arn": CERT,
      "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "alb.ingress.kubernetes.io/backend-protocol": "HTTP",
      "alb.ingress.kubernetes.io/healthcheck-path": "/ready",
      "alb.ingress.kubernetes.io/healthcheck-port": "traffic-port",
      "alb.ingress.kubernetes.io/target-group-attributes": "deregistration_delay.timeout_seconds=30",
      "alb.ingress.kubernetes.io/load-balancer-attributes":
        "access_logs.s3.enabled=true,access_logs.s3.bucket=alb-logs,access_logs.s3.prefix=api,deletion_protection.enabled=true,routing.http.drop_invalid_header_fields.enabled=true",
      "alb.ingress.kubernetes.io/wafv2-acl-arn": WEB_ACL,
    });
    expect(ingress.spec).toEqual({
      ingressClassName: "alb",
      rules: [
        {
          host: "api.example.com",
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: "api", port: { name: "http" } } },
              },
            ],
          },
        },
      ],
    });
  });

  test("HPA: CPU 70 % and memory 80 %, 3-20, scale up at once, scale down after 300 s", () => {
    expect(spec("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa")).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
      minReplicas: 3,
      maxReplicas: 20,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
        },
        {
          type: "Resource",
          resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } },
        },
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
    });
  });

  test("PDB allows one eviction at a time and always lets unhealthy pods go", () => {
    expect(spec("kubernetes:policy/v1:PodDisruptionBudget", "api-pdb")).toEqual({
      maxUnavailable: 1,
      selector: SELECTOR,
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    });
  });

  describe("NetworkPolicies", () => {
    const policy = (name: string): RecordedResource => byName(run, NP, name);

    test("default deny of ingress and egress for the whole namespace", () => {
      expect(policy("api-deny-all").inputs.metadata).toEqual(meta("default-deny"));
      expect(policy("api-deny-all").inputs.spec).toEqual({
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
      });
    });

    test("DNS only to kube-dns in kube-system, UDP and TCP 53", () => {
      expect(policy("api-allow-dns").inputs.spec).toEqual({
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      });
    });

    test("http port from the ALB's public subnets; metrics port from the monitoring namespace only", () => {
      expect(policy("api-allow-load-balancer").inputs.spec).toEqual({
        podSelector: SELECTOR,
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ ipBlock: { cidr: "10.0.128.0/24" } }, { ipBlock: { cidr: "10.0.129.0/24" } }],
            ports: [{ protocol: "TCP", port: 8000 }],
          },
        ],
      });
      expect(policy("api-allow-metrics").inputs.spec).toEqual({
        podSelector: SELECTOR,
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
            ports: [{ protocol: "TCP", port: 9090 }],
          },
        ],
      });
    });

    test("the declared caller's pods may reach the http port", () => {
      expect(policy("api-from-web").inputs.metadata).toEqual(meta("allow-from-web"));
      expect(policy("api-from-web").inputs.spec).toEqual({
        podSelector: SELECTOR,
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "web" } },
                podSelector: { matchLabels: { "app.kubernetes.io/name": "web" } },
              },
            ],
            ports: [{ protocol: "TCP", port: 8000 }],
          },
        ],
      });
    });

    test("egress to PostgreSQL and Redis only in the data subnets, and to the called service's pods", () => {
      const data = [{ ipBlock: { cidr: "10.0.144.0/24" } }, { ipBlock: { cidr: "10.0.145.0/24" } }];
      expect(policy("api-allow-postgres").inputs.spec).toEqual({
        podSelector: SELECTOR,
        policyTypes: ["Egress"],
        egress: [{ to: data, ports: [{ protocol: "TCP", port: 5432 }] }],
      });
      expect(policy("api-allow-redis").inputs.spec).toEqual({
        podSelector: SELECTOR,
        policyTypes: ["Egress"],
        egress: [{ to: data, ports: [{ protocol: "TCP", port: 6379 }] }],
      });
      expect(policy("api-to-billing").inputs.spec).toEqual({
        podSelector: SELECTOR,
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "billing" } },
                podSelector: { matchLabels: { "app.kubernetes.io/name": "billing" } },
              },
            ],
            ports: [{ protocol: "TCP", port: 8080 }],
          },
        ],
      });
    });

    test("with an AWS role: egress to the Pod Identity agent's link-local address on TCP 80 only", () => {
      expect(policy("api-allow-pod-identity-agent").inputs.metadata).toEqual(
        meta("allow-pod-identity-agent"),
      );
      expect(policy("api-allow-pod-identity-agent").inputs.spec).toEqual({
        podSelector: SELECTOR,
        policyTypes: ["Egress"],
        egress: [
          { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
        ],
      });
    });

    test("HTTPS to the internet excluding private ranges", () => {
      expect(policy("api-allow-internet-https").inputs.spec).toEqual({
        podSelector: SELECTOR,
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              { ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } },
            ],
            ports: [{ protocol: "TCP", port: 443 }],
          },
        ],
      });
    });
  });

  test("outputs the namespace and in-cluster host", () => {
    expect(run.outputs.namespace).toBe("api");
    expect(run.outputs.clusterHost).toBe("api.api.svc.cluster.local");
  });
});

describe("PlatformService (minimal dev worker)", () => {
  let run: OfflineRun;
  beforeAll(async () => {
    run = await runProgram(async () => {
      const { PlatformService } = await import("../../../components/workloads/service");
      new PlatformService("worker", {
        name: "worker",
        image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/worker@sha256:" + "a".repeat(64),
        ports: { http: 8000 },
        replicas: 1,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        dependsOn: ["postgres"],
        dataCidrs: ["10.0.144.0/24"],
        publicCidrs: [],
      });
    });
  });

  test("no HPA, Ingress, ConfigMap, role, internet or redis policy; metrics on the default 9090; fixed replicas; no surge downtime", () => {
    const names = run.resources.filter((r) => r.custom).map((r) => `${r.type.split(":")[2]} ${r.name}`);
    expect(names.sort()).toEqual(
      [
        "Namespace worker-namespace",
        "ResourceQuota worker-quota",
        "LimitRange worker-limits",
        "ServiceAccount worker-service-account",
        "Deployment worker-deployment",
        "Service worker-service",
        "PodDisruptionBudget worker-pdb",
        "NetworkPolicy worker-deny-all",
        "NetworkPolicy worker-allow-dns",
        "NetworkPolicy worker-allow-postgres",
        // No metrics port declared: the platform's 9090, scraped by the monitoring namespace.
        "NetworkPolicy worker-allow-metrics",
        "ServiceMonitor worker-service-monitor",
      ].sort(),
    );
    const deployment = byName(run, "kubernetes:apps/v1:Deployment", "worker-deployment").inputs
      .spec as Record<string, unknown>;
    expect(deployment.replicas).toBe(1);
    expect(deployment.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    const container = (deployment.template as { spec: { containers: Record<string, unknown>[] } }).spec
      .containers[0];
    expect(container.env).toEqual([]);
    expect(container.envFrom).toBeUndefined();
    expect(byName(run, "kubernetes:core/v1:ResourceQuota", "worker-quota").inputs.spec).toEqual({
      hard: {
        "requests.cpu": "16",
        "requests.memory": "32Gi",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
      },
    });
    const ns = byName(run, "kubernetes:core/v1:Namespace", "worker-namespace").inputs.metadata as {
      labels: Record<string, string>;
    };
    expect(ns.labels["elbv2.k8s.aws/pod-readiness-gate-inject"]).toBeUndefined();
    expect(ofType(run, "kubernetes:policy/v1:PodDisruptionBudget")[0].inputs.spec).toMatchObject({
      maxUnavailable: 1,
    });
  });
});

describe("validatePlatformServiceArgs", () => {
  test("accepts the full api declaration", () => {
    expect(validatePlatformServiceArgs(API)).toEqual([]);
  });

  test.each<[string, Partial<PlatformServiceArgs>, string[]]>([
    [
      "exposed without certificate",
      { expose: { scheme: "internet-facing", host: "api.example.com" } },
      [
        "expose.certificateArn: is required for an exposed service: the ALB serves HTTPS only (received nothing)",
      ],
    ],
    [
      "internal exposure without internalCidrs",
      { expose: { scheme: "internal", host: "api.example.com", certificateArn: CERT } },
      [
        "internalCidrs: is required for an internal exposure; pass the CIDRs of the subnets internal ALBs use",
      ],
    ],
    [
      "data dependency without data CIDRs",
      { dataCidrs: [] },
      ["dataCidrs: is empty but the service depends on the data tier; pass the data subnets' CIDRs"],
    ],
    [
      "a malformed CIDR",
      { publicCidrs: ["10.0.128.0/33"] },
      [expect.stringMatching(/^publicCidrs: '10\.0\.128\.0\/33' /) as unknown as string],
    ],
    [
      "a callee without port",
      { servicePorts: {} },
      ["dependsOn: 'billing' has no entry in servicePorts; pass the http port of every service it calls"],
    ],
    [
      "a role without cluster",
      { clusterName: undefined },
      ["clusterName: is required with awsPolicyJson (the Pod Identity association names the cluster)"],
    ],
    [
      "latest image and limit below request",
      {
        image: "nginx:latest",
        resources: { requests: { cpu: "750m", memory: "1Gi" }, limits: { cpu: "500m", memory: "1Gi" } },
      },
      [
        `image: uses the 'latest' tag, which moves under you: pin a version tag or a digest (received "nginx:latest")`,
        `resources.limits.cpu: is below the request 750m; a limit must be at least its request (received "500m")`,
      ],
    ],
  ])("rejects %s", (_label, change, expected) => {
    expect(validatePlatformServiceArgs({ ...API, ...change })).toEqual(expected);
  });

  test("the constructor throws every problem at once before creating anything", async () => {
    await expect(
      runProgram(async () => {
        const { PlatformService } = await import("../../../components/workloads/service");
        new PlatformService("bad", { ...API, name: "Bad_Name", ports: { http: 80 } });
      }),
    ).rejects.toThrow(
      "PlatformService 'bad' has invalid arguments:\n" +
        "  - name: must be a DNS label: lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters (it names the namespace and the Service) (received \"Bad_Name\")\n" +
        "  - ports.http: must be an integer from 1024 to 65535 (containers run as non-root with every capability dropped, so they cannot bind ports below 1024) (received 80)",
    );
  });
});

describe("many services", () => {
  test("every synthetic service gets a constant set of children; wiring is one pass over the dependencies", async () => {
    const { syntheticServices } = await import("../../../tools/bench/synthetic");
    const { callersByService } = await import("../../../components/workloads/spec");
    const services = syntheticServices(30);
    const callers = callersByService(services);
    const servicePorts = Object.fromEntries(services.map((s) => [s.name, s.ports.http]));
    const run = await runProgram(async () => {
      const { PlatformService } = await import("../../../components/workloads/service");
      for (const s of services) {
        new PlatformService(s.name, {
          ...s,
          dataCidrs: ["10.0.144.0/24"],
          publicCidrs: ["10.0.128.0/24"],
          servicePorts,
          callers: callers.get(s.name),
        });
      }
    });
    // Base: namespace, quota, limits, SA, ConfigMap, Deployment, Service, HPA, PDB, deny, DNS, metrics,
    // ServiceMonitor, postgres, plus from-caller / to-callee for the chain, redis every 3rd, internet every 5th, ingress every 10th.
    const perService = (name: string) =>
      run.resources.filter((r) => r.custom && r.name.startsWith(`${name}-`)).length;
    expect(perService("svc-0001")).toBe(14 + 1);
    expect(perService("svc-0002")).toBe(14 + 2);
    expect(perService("svc-0030")).toBe(14 + 1 + 1 + 1 + 2);
    // 30 × base + 29 × (from-caller, to-callee) + 10 redis + 6 internet + 3 × (Ingress, ALB policy)
    expect(run.resources.filter((r) => r.custom)).toHaveLength(30 * 14 + 29 * 2 + 10 + 6 + 3 * 2);
  });
});

describe("PlatformService load-balancer protection", () => {
  async function annotationsOf(over: Partial<PlatformServiceArgs>): Promise<Record<string, unknown>> {
    const run = await runProgram(async () => {
      const { PlatformService } = await import("../../../components/workloads/service");
      new PlatformService("api", { ...API, vault: undefined, ...over });
    });
    const ingress = byName(run, "kubernetes:networking.k8s.io/v1:Ingress", "api-ingress").inputs;
    return (ingress.metadata as { annotations: Record<string, unknown> }).annotations;
  }

  test("without protection: no WAF, access logs off, no deletion protection, invalid headers still dropped", async () => {
    const annotations = await annotationsOf({ loadBalancer: undefined });
    expect(annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"]).toBeUndefined();
    expect(annotations["alb.ingress.kubernetes.io/load-balancer-attributes"]).toBe(
      "access_logs.s3.enabled=false,deletion_protection.enabled=false,routing.http.drop_invalid_header_fields.enabled=true",
    );
  });

  test("an internal load balancer gets access logs but never the public web ACL", async () => {
    const annotations = await annotationsOf({
      expose: { scheme: "internal", host: "api.example.com", certificateArn: CERT },
      internalCidrs: ["10.0.160.0/24"],
    });
    expect(annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"]).toBeUndefined();
    expect(annotations["alb.ingress.kubernetes.io/load-balancer-attributes"]).toBe(
      "access_logs.s3.enabled=true,access_logs.s3.bucket=alb-logs,access_logs.s3.prefix=api,deletion_protection.enabled=true,routing.http.drop_invalid_header_fields.enabled=true",
    );
  });
});
