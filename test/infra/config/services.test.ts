import { parse } from "yaml";
import { PROJECT_DIR } from "../../../tools/offline/preview-stack";
import { readStackFiles } from "../../../tools/offline/stack-files";
import {
  checkServices,
  servicesSchema,
  withRelease,
  type ServicesConfig,
} from "../../../infra/config/services";
import { parseSection, type ConfigProblem } from "../../../infra/config/problems";
import { runProgram, ofType } from "../../support/offline";

/** The `platform:services` block of each stack file, as YAML text (what `parse` reads back). */
const STACKS: Record<string, string> = Object.fromEntries(
  ["dev", "staging", "production"].map((stack) => [
    stack,
    readStackFiles(PROJECT_DIR, stack).config["platform:services"],
  ]),
);

const KEY = "platform:services";

function problemsOf(raw: unknown, environment = "dev"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const parsed = parseSection(KEY, servicesSchema, raw, problems);
  if (parsed !== undefined) {
    problems.push(...checkServices(parsed, environment));
  }
  return problems;
}

const VALID = {
  name: "api",
  image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform/api:1.0.0",
  ports: { http: 8000, metrics: 9090 },
  replicas: 2,
  resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  dependsOn: ["postgres"],
};
const withServices = (...services: unknown[]) => ({
  ingressController: { chartVersion: "1.13.0" },
  services,
});

describe("the stack files' platform:services blocks", () => {
  test.each(Object.keys(STACKS))("%s parses and passes every check", (stack) => {
    expect(problemsOf(parse(STACKS[stack]), stack)).toEqual([]);
  });

  test("production seeds: api 3-20 at 70/80 %, 500m/2Gi to 2000m/8Gi; worker 2 replicas, CPU 500m-3000m", () => {
    const prod = servicesSchema.parse(parse(STACKS.production));
    const [api, worker] = prod.services;
    expect(api).toMatchObject({
      replicas: 3,
      autoscaling: { minReplicas: 3, maxReplicas: 20, cpuUtilization: 70, memoryUtilization: 80 },
    });
    expect(api.resources).toEqual({
      requests: { cpu: "500m", memory: "2Gi" },
      limits: { cpu: "2000m", memory: "8Gi" },
    });
    expect(worker).toMatchObject({
      replicas: 2,
      resources: { requests: { cpu: "500m" }, limits: { cpu: "3000m" } },
    });
    expect(api.runAsUser).toBe(10001);
    expect(worker.internetEgress).toBe(false);
    expect(worker.expose).toBeUndefined();
    expect(api.vault).toEqual({
      databaseRole: "api_rw",
      secrets: [
        { file: "postgres.json", path: "database/creds/api" },
        { file: "redis.json", path: "platform/api/redis" },
      ],
    });
    expect(worker.vault?.databaseRole).toBeUndefined();
  });

  test("the parsed production block builds both services (config → component)", async () => {
    const prod: ServicesConfig = servicesSchema.parse(parse(STACKS.production));
    const run = await runProgram(async () => {
      const { PlatformService } = await import("../../../components/workloads/service");
      const { callersByService } = await import("../../../components/workloads/spec");
      const callers = callersByService(prod.services);
      const servicePorts = Object.fromEntries(prod.services.map((s) => [s.name, s.ports.http]));
      for (const s of prod.services) {
        new PlatformService(s.name, {
          ...s,
          dataCidrs: ["10.0.144.0/24"],
          publicCidrs: ["10.0.128.0/24"],
          servicePorts,
          callers: callers.get(s.name),
        });
      }
    });
    expect(ofType(run, "platform:workloads:Service").map((r) => r.name)).toEqual(["api", "worker"]);
    expect(
      ofType(run, "kubernetes:cert-manager.io/v1:Certificate")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["api-vault-ca", "worker-vault-ca"]);
    expect(ofType(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")).toHaveLength(2);
    expect(ofType(run, "kubernetes:networking.k8s.io/v1:Ingress").map((r) => r.name)).toEqual([
      "api-ingress",
    ]);
  });
});

describe("bad service declarations", () => {
  const at = (path: string) => `${KEY}.services[0].${path}`;
  test.each<[string, unknown[], ConfigProblem[]]>([
    [
      "duplicate names",
      [VALID, { ...VALID }],
      [
        {
          key: `${KEY}.services[1].name`,
          received: "api",
          message: "duplicates the name of service 0; service names are unique",
        },
      ],
    ],
    [
      "an invalid DNS name",
      [{ ...VALID, name: "API_v1" }],
      [
        {
          key: at("name"),
          received: "API_v1",
          message:
            "must be a DNS label: lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters (it names the namespace and the Service)",
        },
      ],
    ],
    [
      "a name over 63 characters",
      [{ ...VALID, name: "a".repeat(64) }],
      [expect.objectContaining({ key: at("name"), received: "a".repeat(64) })],
    ],
    [
      "a reserved name",
      [{ ...VALID, name: "kube-proxy" }],
      [
        {
          key: at("name"),
          received: "kube-proxy",
          message:
            "is reserved for a cluster or platform namespace (default, monitoring, vault, external-secrets, cert-manager, kube-*); choose another name",
        },
      ],
    ],
    [
      "limits below requests",
      [
        {
          ...VALID,
          resources: { requests: { cpu: "2", memory: "2Gi" }, limits: { cpu: "1500m", memory: "1Gi" } },
        },
      ],
      [
        {
          key: at("resources.limits.cpu"),
          received: "1500m",
          message: "is below the request 2; a limit must be at least its request",
        },
        {
          key: at("resources.limits.memory"),
          received: "1Gi",
          message: "is below the request 2Gi; a limit must be at least its request",
        },
      ],
    ],
    [
      "a malformed quantity",
      [
        {
          ...VALID,
          resources: { requests: { cpu: "half", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        },
      ],
      [
        {
          key: at("resources.requests.cpu"),
          received: "half",
          message: "must be a CPU quantity in cores or millicores, e.g. 500m, 2 or 0.5",
        },
      ],
    ],
    [
      "an unknown dependency",
      [{ ...VALID, dependsOn: ["postgres", "mysql"] }],
      [
        {
          key: at("dependsOn"),
          received: "mysql",
          message: "names 'mysql', which is neither postgres nor redis nor a declared service",
        },
      ],
    ],
    [
      "a port out of range",
      [{ ...VALID, ports: { http: 70000 } }],
      [
        {
          key: at("ports.http"),
          received: 70000,
          message:
            "must be an integer from 1024 to 65535 (containers run as non-root with every capability dropped, so they cannot bind ports below 1024)",
        },
      ],
    ],
    [
      "the latest tag",
      [{ ...VALID, image: "nginx:latest" }],
      [
        {
          key: at("image"),
          received: "nginx:latest",
          message: "uses the 'latest' tag, which moves under you: pin a version tag or a digest",
        },
      ],
    ],
    [
      "an untagged image",
      [{ ...VALID, image: "nginx" }],
      [
        {
          key: at("image"),
          received: "nginx",
          message: "is not pinned: add a version tag (repository:1.2.3) or a digest (repository@sha256:...)",
        },
      ],
    ],
    [
      "an exposure without certificate",
      [{ ...VALID, expose: { scheme: "internet-facing", host: "api.example.com" } }],
      [
        {
          key: at("expose.certificateArn"),
          received: undefined,
          message: "is required for an exposed service: the ALB serves HTTPS only",
        },
      ],
    ],
    [
      "HPA min above max",
      [{ ...VALID, autoscaling: { minReplicas: 5, maxReplicas: 3, cpuUtilization: 70 } }],
      [
        {
          key: at("autoscaling.minReplicas"),
          received: 5,
          message: "is above maxReplicas 3; the HPA needs minReplicas <= maxReplicas",
        },
      ],
    ],
    [
      "replicas outside the HPA range",
      [{ ...VALID, replicas: 1, autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 } }],
      [
        {
          key: at("replicas"),
          received: 1,
          message: "must lie between autoscaling.minReplicas 2 and maxReplicas 4 (the HPA owns the count)",
        },
      ],
    ],
    [
      "a quota the peak rollout does not fit in",
      [{ ...VALID, autoscaling: { minReplicas: 2, maxReplicas: 40, cpuUtilization: 70 } }],
      [
        {
          key: at("namespaceQuota.cpu"),
          received: "16",
          message:
            "is below the 20500m CPU requested by 41 pods (most replicas plus the rolling update's surge); raise it or lower the requests",
        },
      ],
    ],
    [
      "a credential in plain config",
      [{ ...VALID, config: { DB_PASSWORD: "hunter2" } }],
      [
        {
          key: at("config.DB_PASSWORD"),
          received: "DB_PASSWORD",
          message:
            "looks like a credential; config is plain text: deliver it through secretEnv (a Secret reference)",
        },
      ],
    ],
    [
      "a credential-shaped value in plain config (the value is never echoed)",
      [{ ...VALID, config: { DATABASE_URL: "postgres://app:hunter2@db:5432/app", STRIPE_KEY: "abc" } }],
      [
        {
          key: at("config.DATABASE_URL"),
          received: "DATABASE_URL",
          message:
            "holds what looks like a URL with a password in it; config is plain text: keep credentials out of it, as a 'secure:' stack value delivered through secretEnv (a Secret reference) or as a Vault secret (vault.secrets)",
        },
        {
          key: at("config.STRIPE_KEY"),
          received: "STRIPE_KEY",
          message:
            "looks like a credential; config is plain text: keep credentials out of it, as a 'secure:' stack value delivered through secretEnv (a Secret reference) or as a Vault secret (vault.secrets)",
        },
      ],
    ],
    [
      "a root UID",
      [{ ...VALID, runAsUser: 0 }],
      [
        {
          key: at("runAsUser"),
          received: 0,
          message: "must be an integer UID from 1000 to 2147483647 (non-root, clear of system accounts)",
        },
      ],
    ],
    [
      "an unknown field",
      [{ ...VALID, privileged: true }],
      [
        {
          key: `${KEY}.services[0]`,
          received: ["privileged"],
          message:
            "unknown key 'privileged'; the keys here are name, image, ports, replicas, autoscaling, resources, probes, dependsOn, internetEgress, expose, secretEnv, config, namespaceQuota, runAsUser, awsPolicyJson, vault, kubernetesApi, release",
        },
      ],
    ],
  ])("rejects %s", (_label, services, expected) => {
    expect(problemsOf(withServices(...services))).toEqual(expected);
  });

  test("a schema problem stops the cross-field checks, as for every section: the shape is fixed first", () => {
    const problems = problemsOf(
      withServices(
        { ...VALID, image: "nginx:latest", expose: { scheme: "internal", host: "api.internal.example.com" } },
        {
          ...VALID,
          name: "worker",
          dependsOn: ["queue"],
          resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "512Mi" } },
        },
        { ...VALID },
      ),
    );
    expect(problems.map((p) => `${p.key}: ${p.message}`)).toEqual([
      `${KEY}.services[0].image: uses the 'latest' tag, which moves under you: pin a version tag or a digest`,
    ]);
  });

  test("cross-field and cross-service problems are all reported together", () => {
    const problems = problemsOf(
      withServices(
        { ...VALID, expose: { scheme: "internal", host: "api.internal.example.com" } },
        {
          ...VALID,
          name: "worker",
          dependsOn: ["queue"],
          resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "512Mi" } },
        },
        { ...VALID },
      ),
      "production",
    );
    expect(problems.map((p) => `${p.key}: ${p.message}`)).toEqual([
      `${KEY}.services[0].expose.certificateArn: is required for an exposed service: the ALB serves HTTPS only`,
      `${KEY}.services[0].expose.scheme: internal load balancers need dedicated load-balancer subnets, which the network does not have yet; use 'internet-facing' or leave the service unexposed`,
      `${KEY}.services[0].autoscaling: is required in production (minReplicas, maxReplicas and a CPU or memory target)`,
      `${KEY}.services[1].resources.limits.memory: is below the request 1Gi; a limit must be at least its request`,
      `${KEY}.services[1].autoscaling: is required in production (minReplicas, maxReplicas and a CPU or memory target)`,
      `${KEY}.services[2].autoscaling: is required in production (minReplicas, maxReplicas and a CPU or memory target)`,
      `${KEY}.services[2].name: duplicates the name of service 0; service names are unique`,
      `${KEY}.services[1].dependsOn: names 'queue', which is neither postgres nor redis nor a declared service`,
    ]);
  });

  test("production rules: 2+ replicas, autoscaling with a floor of 2, 2 controller replicas", () => {
    const problems = problemsOf(
      {
        ingressController: { chartVersion: "1.13.0", replicas: 1 },
        services: [
          { ...VALID, replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 3, cpuUtilization: 70 } },
        ],
      },
      "production",
    );
    expect(problems).toEqual([
      {
        key: `${KEY}.services[0].replicas`,
        received: 1,
        message: "production runs at least 2 replicas so a node loss or drain leaves one serving",
      },
      {
        key: `${KEY}.services[0].autoscaling.minReplicas`,
        received: 1,
        message: "production keeps at least 2 replicas: the HPA must not scale down to 1",
      },
      {
        key: `${KEY}.ingressController.replicas`,
        received: 1,
        message: "production runs 2 controller replicas: its webhooks admit pods of exposed services",
      },
    ]);
  });
});

describe("vault and kubernetesApi declarations", () => {
  const at = (path: string) => `${KEY}.services[0].${path}`;
  const VAULT = {
    databaseRole: "api_rw",
    secrets: [
      { file: "postgres.json", path: "database/creds/api" },
      { file: "redis.json", path: "platform/api/redis" },
    ],
  };
  const one = (key: string, received: unknown, message: string): ConfigProblem[] => [
    { key: at(key), received, message },
  ];

  test("accept a service with both, and without either", () => {
    expect(
      problemsOf(
        withServices({ ...VALID, vault: VAULT, kubernetesApi: { readOnly: ["pods", "configmaps"] } }),
      ),
    ).toEqual([]);
    const parsed = servicesSchema.parse(withServices(VALID));
    expect(parsed.services[0].vault).toBeUndefined();
    expect(parsed.services[0].kubernetesApi).toBeUndefined();
  });

  test.each<[string, Record<string, unknown>, ConfigProblem[]]>([
    [
      "a file that is not a .json name",
      { vault: { secrets: [{ file: "../db", path: "platform/api/db" }] } },
      one(
        "vault.secrets[0].file",
        "../db",
        "must be a file name of lowercase letters, digits, '-' and '_' ending in .json, at most 41 characters (the agent renders each secret as JSON)",
      ),
    ],
    [
      "a file name too long for the annotation",
      { vault: { secrets: [{ file: `${"a".repeat(37)}.json`, path: "platform/api/db" }] } },
      one(
        "vault.secrets[0].file",
        `${"a".repeat(37)}.json`,
        "must be a file name of lowercase letters, digits, '-' and '_' ending in .json, at most 41 characters (the agent renders each secret as JSON)",
      ),
    ],
    [
      "a path outside KV and database/creds",
      { vault: { secrets: [{ file: "root.json", path: "sys/policies/acl/root" }] } },
      one(
        "vault.secrets[0].path",
        "sys/policies/acl/root",
        "must be platform/<service>/<key> (the service's KV secrets) or database/creds/<service> (a dynamic PostgreSQL login)",
      ),
    ],
    [
      "a KV path that climbs out of the service's subtree",
      { vault: { secrets: [{ file: "a.json", path: "platform/api/../worker/a" }] } },
      one(
        "vault.secrets[0].path",
        "platform/api/../worker/a",
        "must be platform/<service>/<key> (the service's KV secrets) or database/creds/<service> (a dynamic PostgreSQL login)",
      ),
    ],
    [
      "a KV path with a '.' segment",
      { vault: { secrets: [{ file: "a.json", path: "platform/api/./a" }] } },
      one(
        "vault.secrets[0].path",
        "platform/api/./a",
        "must be platform/<service>/<key> (the service's KV secrets) or database/creds/<service> (a dynamic PostgreSQL login)",
      ),
    ],
    [
      "a KV path of the mount's data/ API form",
      { vault: { secrets: [{ file: "a.json", path: "platform/data/api/a" }] } },
      one(
        "vault.secrets[0].path",
        "platform/data/api/a",
        "belongs to another service; this service's Vault policy reads platform/api/* only",
      ),
    ],
    [
      "another service's KV secrets",
      { vault: { secrets: [{ file: "a.json", path: "platform/worker/a" }] } },
      one(
        "vault.secrets[0].path",
        "platform/worker/a",
        "belongs to another service; this service's Vault policy reads platform/api/* only",
      ),
    ],
    [
      "database credentials without a group role",
      { vault: { secrets: [{ file: "db.json", path: "database/creds/api" }] } },
      one(
        "vault.secrets[0].path",
        "database/creds/api",
        "needs vault.databaseRole: Vault creates database users only for services with a group role",
      ),
    ],
    [
      "database credentials without a postgres dependency",
      {
        dependsOn: [],
        vault: { databaseRole: "api_rw", secrets: [{ file: "db.json", path: "database/creds/api" }] },
      },
      one(
        "vault.secrets[0].path",
        "database/creds/api",
        "needs postgres in dependsOn, or the network policies block the database",
      ),
    ],
    [
      "a group role nobody reads",
      { vault: { databaseRole: "api_rw", secrets: [{ file: "a.json", path: "platform/api/a" }] } },
      one(
        "vault.databaseRole",
        "api_rw",
        "is set but no secret reads database/creds/api; add one or remove databaseRole",
      ),
    ],
    [
      "a malformed group role",
      { vault: { ...VAULT, databaseRole: "Api-RW" } },
      one(
        "vault.databaseRole",
        "Api-RW",
        "must be a PostgreSQL role name: lowercase letters, digits and '_', not starting with a digit, at most 63 characters",
      ),
    ],
    [
      "no secret at all",
      { vault: { secrets: [] } },
      one("vault.secrets", [], "lists no secret; declare at least one file or remove vault"),
    ],
    [
      "the same file twice",
      {
        vault: {
          secrets: [
            { file: "a.json", path: "platform/api/a" },
            { file: "a.json", path: "platform/api/b" },
          ],
        },
      },
      one("vault.secrets[1].file", "a.json", "is declared twice; each file once"),
    ],
    [
      "the same path twice",
      {
        vault: {
          secrets: [
            { file: "a.json", path: "platform/api/a" },
            { file: "b.json", path: "platform/api/a" },
          ],
        },
      },
      one(
        "vault.secrets[1].path",
        "platform/api/a",
        "is read twice; read each path once (each read of database/creds creates another database user)",
      ),
    ],
    [
      "limits below the agent's",
      {
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "100Mi" } },
        vault: { secrets: [{ file: "a.json", path: "platform/api/a" }] },
      },
      [
        {
          key: at("resources.limits.cpu"),
          received: "200m",
          message:
            "is below the Vault agent's limit 250m; the namespace LimitRange caps every container at the service's limits",
        },
        {
          key: at("resources.limits.memory"),
          received: "100Mi",
          message:
            "is below the Vault agent's limit 128Mi; the namespace LimitRange caps every container at the service's limits",
        },
      ],
    ],
    [
      "a quota the agent's requests overflow",
      {
        replicas: 3,
        namespaceQuota: { cpu: "2", memory: "32Gi" },
        vault: { secrets: [{ file: "a.json", path: "platform/api/a" }] },
      },
      one(
        "namespaceQuota.cpu",
        "2",
        "is below the 2200m CPU requested by 4 pods (most replicas plus the rolling update's surge, Vault agent included); raise it or lower the requests",
      ),
    ],
    [
      "an unknown vault field",
      { vault: { ...VAULT, role: "admin" } },
      [
        {
          key: at("vault"),
          received: ["role"],
          message: "unknown key 'role'; the keys here are secrets, databaseRole",
        },
      ],
    ],
    [
      "secrets through the API",
      { kubernetesApi: { readOnly: ["secrets"] } },
      one(
        "kubernetesApi.readOnly[0]",
        "secrets",
        "is not readable by services; choose from configmaps, endpoints, events, pods, services, endpointslices",
      ),
    ],
    [
      "write verbs by another name",
      { kubernetesApi: { readOnly: ["pods/exec"] } },
      one(
        "kubernetesApi.readOnly[0]",
        "pods/exec",
        "is not readable by services; choose from configmaps, endpoints, events, pods, services, endpointslices",
      ),
    ],
    [
      "no resource",
      { kubernetesApi: { readOnly: [] } },
      one(
        "kubernetesApi.readOnly",
        [],
        "lists no resource; name what the service reads or remove kubernetesApi",
      ),
    ],
    [
      "a resource twice",
      { kubernetesApi: { readOnly: ["pods", "pods"] } },
      one("kubernetesApi.readOnly", ["pods", "pods"], "lists a resource twice"),
    ],
  ])("rejects %s", (_label, over, expected) => {
    expect(problemsOf(withServices({ ...VALID, ...over }))).toEqual(expected);
  });
});

describe("release (decision 0150)", () => {
  const CERT = "arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555";
  const EXPOSED = {
    ...VALID,
    autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 },
    expose: { scheme: "internet-facing", host: "api.example.com", certificateArn: CERT },
  };
  const messages = (raw: unknown, environment: string) =>
    problemsOf(raw, environment).map((p) => `${p.key}: ${p.message} (${JSON.stringify(p.received)})`);
  const ROLLING_IN_PRODUCTION =
    "production services exposed to users release by canary with analysis (decision 0150): set 'canary' or leave release out";

  test("exposed services default to canary; unexposed ones stay rolling", () => {
    const parsed = servicesSchema.parse(withServices(EXPOSED, { ...VALID, name: "worker" }));
    expect(parsed.exposedRelease).toBe("canary");
    expect(parsed.rollouts).toEqual({ chartVersion: "2.41.0", replicas: 2 });
    expect(parsed.services.map((s) => withRelease(s, parsed.exposedRelease).release)).toEqual([
      { strategy: "canary" },
      undefined,
    ]);
    expect(withRelease(parsed.services[0], "rolling").release).toEqual({ strategy: "rolling" });
    expect(messages(withServices(EXPOSED), "production")).toEqual([]);
  });

  test("production refuses rolling for exposed services, declared or by default, and one controller replica", () => {
    expect(
      messages(
        {
          ...withServices(
            { ...EXPOSED, release: { strategy: "rolling" } },
            { ...EXPOSED, name: "web", expose: { ...EXPOSED.expose, host: "web.example.com" } },
          ),
          exposedRelease: "rolling",
          rollouts: { chartVersion: "2.41.0", replicas: 1 },
        },
        "production",
      ),
    ).toEqual([
      `${KEY}.services[0].release.strategy: ${ROLLING_IN_PRODUCTION} ("rolling")`,
      `${KEY}.services[1].release.strategy: ${ROLLING_IN_PRODUCTION} ("rolling")`,
      `${KEY}.rollouts.replicas: production runs 2 controller replicas: a release in progress must survive the loss of a node (1)`,
    ]);
    // Dev may release by rolling update.
    expect(messages({ ...withServices(EXPOSED), exposedRelease: "rolling" }, "dev")).toEqual([]);
  });

  test("release rules run with the other cross-field rules, all problems at once", () => {
    expect(
      messages(
        withServices(
          { ...EXPOSED, release: { strategy: "canary", steps: [50, 10], successRate: 99 } },
          { ...VALID, name: "worker", release: { strategy: "canary" } },
        ),
        "dev",
      ),
    ).toEqual([
      `${KEY}.services[0].release.steps: must be increasing whole percentages from 1 to 99, e.g. [10, 20, 30, 40, 50] ([50,10])`,
      `${KEY}.services[0].release.successRate: must be a fraction between 0 and 1, e.g. 0.99 (99)`,
      `${KEY}.services[1].release.strategy: canary shifts the ALB's traffic between stable and canary pods, so it needs expose; an unexposed service releases with 'rolling' ("canary")`,
    ]);
    expect(messages(withServices({ ...EXPOSED, release: { strategy: "blue-green" } }), "dev")).toEqual([
      `${KEY}.services[0].release.strategy: must be 'rolling' (Deployment) or 'canary' (Argo Rollouts with analysis) ("blue-green")`,
    ]);
  });
});
