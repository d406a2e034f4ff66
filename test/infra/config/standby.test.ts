/**
 * `platform:standby` (decision 0140): optional; a primary declares its standby stack, a standby
 * names its primary and is held to what replicas need. Every problem reported at once.
 */
import { ConfigError, parseConfig } from "../../../infra/config";
import { readStackFiles } from "../../../tools/offline/stack-files";
import { PROJECT_DIR } from "../../../tools/offline/preview-stack";

const files = (stack: string) => readStackFiles(PROJECT_DIR, stack).config;

function problems(raw: Record<string, string>, stack: string): string[] {
  try {
    parseConfig(raw, "platform", stack);
  } catch (err) {
    if (err instanceof ConfigError) {
      return err.problems.map((p) => `${p.key}: ${p.message} (received ${JSON.stringify(p.received)})`);
    }
    throw err;
  }
  return [];
}

const edit = (raw: Record<string, string>, key: string, change: (v: Record<string, unknown>) => unknown) => ({
  ...raw,
  [key]: JSON.stringify(change(JSON.parse(raw[key]) as Record<string, unknown>)),
});

test("the stack files are valid: production declares its standby, dr is one, dev and staging have none", () => {
  expect(parseConfig(files("production"), "platform", "production").standby).toEqual({
    role: "primary",
    standbyStack: "example-org/platform/dr",
    globalDatastoreSuffix: "platform",
  });
  const dr = parseConfig(files("dr"), "platform", "dr");
  expect(dr.standby).toEqual({
    role: "standby",
    primaryStack: "example-org/platform/production",
    dns: {
      hostedZoneId: "Z0123456789EXAMPLE0AB",
      ttlSeconds: 60,
      failureThreshold: 3,
      records: [{ name: "api.example.com", service: "api" }],
    },
  });
  expect(dr.tags.Environment).toBe("dr");
  expect(dr.environment).toBe("production");
  expect(parseConfig(files("dev"), "platform", "dev").standby).toBeUndefined();
  expect(parseConfig(files("staging"), "platform", "staging").standby).toBeUndefined();
});

test("a standby's database is a replica: no replicas, no copies of its own; the production rules otherwise hold", () => {
  const raw = edit(files("dr"), "platform:data", (d) => {
    const pg = d.postgres as Record<string, unknown>;
    return {
      ...d,
      postgres: {
        ...pg,
        readReplicas: 1,
        crossRegionBackup: { region: "us-west-2", retentionDays: 7 },
        multiAz: false,
      },
    };
  });
  expect(problems(raw, "dr")).toEqual([
    "platform:data.postgres.multiAz: must be true in production: a standby in a second AZ takes over when the primary's AZ fails (received false)",
    "platform:data.postgres.readReplicas: must be 0 in a standby stack: its database is itself the read replica of the primary stack's; add replicas after promotion (received 1)",
    'platform:data.postgres.crossRegionBackup: must be left out in a standby stack: the primary stack copies its backups; set it after promotion (docs/runbooks/failover.md) (received {"region":"us-west-2","retentionDays":7})',
  ]);
});

test("without platform:standby, production still needs its replicas and copies", () => {
  const raw = { ...files("production") };
  delete raw["platform:standby"];
  const noCopies = edit(raw, "platform:data", (d) => {
    const pg: Record<string, unknown> = { ...(d.postgres as Record<string, unknown>), readReplicas: 0 };
    delete pg.crossRegionBackup;
    return { ...d, postgres: pg };
  });
  expect(problems(noCopies, "production")).toEqual([
    "platform:data.postgres.crossRegionBackup: is required in production, e.g. { region: us-east-1, retentionDays: 30 }: copies of the automated backups in a second region are what a restore uses when the stack's region is lost (received undefined)",
    "platform:data.postgres.readReplicas: must be at least 1 in production (seeds: 2) to serve reads and keep a warm copy (received 0)",
  ]);
});

test("a primary names the standby's region: crossRegionBackup is where its Vault seal key is replicated", () => {
  const raw = edit(files("production"), "platform:data", (d) => {
    const pg: Record<string, unknown> = { ...(d.postgres as Record<string, unknown>) };
    delete pg.crossRegionBackup;
    return { ...d, postgres: pg };
  });
  expect(problems(raw, "production")).toEqual([
    "platform:data.postgres.crossRegionBackup: is required in production, e.g. { region: us-east-1, retentionDays: 30 }: copies of the automated backups in a second region are what a restore uses when the stack's region is lost (received undefined)",
    "platform:data.postgres.crossRegionBackup: is required with platform:standby.role: primary: its region is the standby's, where the Vault seal key is replicated (docs/decisions/0144) (received undefined)",
  ]);
});

test.each<[string, string, (v: Record<string, unknown>) => unknown, string[]]>([
  [
    "an unknown role",
    "production",
    () => ({ role: "secondary" }),
    [
      'platform:standby.role: must have role: primary (this stack has a standby) or role: standby (this stack is one) (received "secondary")',
    ],
  ],
  [
    "a stack name without organization",
    "dr",
    (s) => ({ ...s, primaryStack: "production" }),
    [
      'platform:standby.primaryStack: must be a fully qualified stack name <organization>/<project>/<stack>, e.g. example-org/platform/dr (received "production")',
    ],
  ],
  [
    "DNS records of an unknown service, a TTL out of range, a bad zone",
    "dr",
    (s) => ({
      ...s,
      dns: {
        hostedZoneId: "example.com",
        ttlSeconds: 5,
        records: [{ name: "web.example.com", service: "web" }],
      },
    }),
    [
      'platform:standby.dns.hostedZoneId: must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ (received "example.com")',
      "platform:standby.dns.ttlSeconds: must be an integer number of seconds from 10 to 300 (received 5)",
    ],
  ],
  [
    "a record naming a service the stack does not run",
    "dr",
    (s) => ({ ...s, dns: { ...(s.dns as object), records: [{ name: "web.example.com", service: "web" }] } }),
    [
      'platform:standby.dns.records[0].service: must name a service of platform:services (api, worker) (received "web")',
    ],
  ],
  [
    "a field of the other role",
    "production",
    (s) => ({ ...s, primaryStack: "example-org/platform/production" }),
    [
      "platform:standby: unknown key 'primaryStack'; check the spelling against the documented keys (received [\"primaryStack\"])",
    ],
  ],
])("%s is reported", (_label, stack, change, expected) => {
  expect(problems(edit(files(stack), "platform:standby", change), stack)).toEqual(expected);
});

test("a Global Datastore needs a non-burstable node type, in both stacks of the pair", () => {
  const raw = edit(files("production"), "platform:data", (d) => ({
    ...d,
    redis: { ...(d.redis as object), nodeType: "cache.t4g.medium" },
  }));
  expect(problems(raw, "production")).toEqual([
    'platform:data.redis.nodeType: must not be a burstable (t) node type in production: sustained load exhausts its CPU credits (received "cache.t4g.medium")',
    'platform:data.redis.nodeType: must not be a burstable (t) node type with platform:standby: ElastiCache Global Datastores support M5, R5 and newer node types only (received "cache.t4g.medium")',
  ]);
});

test("a standby stack is tagged as itself", () => {
  const raw = edit(files("dr"), "platform:tags", (t) => ({ ...t, Environment: "production" }));
  expect(problems(raw, "dr")).toEqual([
    "platform:tags.Environment: must equal the stack name ('dr') in a standby stack: its costs and policies are its own (received \"production\")",
  ]);
});
