/**
 * `platform:standby`: the stack's part in a warm-standby pair (docs/decisions/0140). Optional: a
 * stack without it has no standby and is no one's standby.
 *
 * - `role: primary` (production): the Redis replication group becomes the primary member of an
 *   ElastiCache Global Datastore, and the recovery objectives may count the standby stack named here.
 * - `role: standby` (dr): the data tier is built as replicas of the primary stack's (a cross-region
 *   PostgreSQL read replica, the secondary member of the Global Datastore), read through a
 *   `StackReference`; optionally, the Route 53 failover records of the public hostnames.
 */
import { z } from "zod";
import { isBurstable } from "../../components/data/rules";
import type { DataConfig } from "./data";
import type { ConfigProblem } from "./problems";

const text = z.string({ message: "must be a string" });

/** `<organization>/<project>/<stack>`, the fully qualified name a StackReference takes. */
export const STACK_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const stackName = text.regex(STACK_NAME, {
  message:
    "must be a fully qualified stack name <organization>/<project>/<stack>, e.g. example-org/platform/dr",
});

/** ElastiCache's limit on a Global Datastore ID suffix (AWS adds a 5-letter prefix). */
const SUFFIX = /^[a-z][a-z0-9-]{0,39}$/;
/** A public hosted zone ID (`Z` and up to 31 upper-case letters and digits). */
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
/** A DNS name of two or more labels, lower case. */
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const int = (what: string) => z.number({ message: `must be ${what}` }).int({ message: `must be ${what}` });

/** One public hostname switched between the primary's and the standby's load balancer. */
export const failoverRecordSchema = z.strictObject({
  /** The public hostname, e.g. api.example.com (the `expose.host` of the service in both stacks). */
  name: text.regex(HOSTNAME, { message: "must be a lower-case DNS name such as api.example.com" }),
  /** The service (`platform:services`) whose load balancer answers for the name. */
  service: text,
});

/** Route 53 failover routing of the public hostnames (docs/decisions/0142). */
export const dnsFailoverSchema = z.strictObject({
  /** The public hosted zone the names live in. */
  hostedZoneId: text.regex(HOSTED_ZONE_ID, {
    message: "must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ",
  }),
  /** TTL of the failover records: how long resolvers keep answering with the failed region. */
  ttlSeconds: int("an integer number of seconds from 10 to 300")
    .min(10, { message: "must be an integer number of seconds from 10 to 300" })
    .max(300, { message: "must be an integer number of seconds from 10 to 300" })
    .default(60),
  /** Failed TCP checks in a row (every 30 s) before the primary is unhealthy, 1 to 10 (3: 90 s). */
  failureThreshold: int("an integer from 1 to 10")
    .min(1, { message: "must be an integer from 1 to 10" })
    .max(10, { message: "must be an integer from 1 to 10" })
    .default(3),
  records: z.array(failoverRecordSchema, { message: "must be a list of { name, service }" }).min(1, {
    message: "must list at least one hostname",
  }),
});

export const standbySchema = z.discriminatedUnion(
  "role",
  [
    z.strictObject({
      role: z.literal("primary"),
      /** The stack that holds the standby (`<org>/<project>/<stack>`), for the record and the runbook. */
      standbyStack: stackName,
      /** Suffix of the Global Datastore ID (AWS prefixes it with 5 letters of its own). */
      globalDatastoreSuffix: text
        .regex(SUFFIX, {
          message: "must be 1 to 40 lower-case letters, digits or hyphens, starting with a letter",
        })
        .default("platform"),
    }),
    z.strictObject({
      role: z.literal("standby"),
      /** The stack whose data tier this one replicates (`<org>/<project>/<stack>`). */
      primaryStack: stackName,
      /** Left out: no DNS records are managed (the switch is then a manual DNS change). */
      dns: dnsFailoverSchema.optional(),
    }),
  ],
  { message: "must have role: primary (this stack has a standby) or role: standby (this stack is one)" },
);

export type StandbyConfig = z.infer<typeof standbySchema>;

/**
 * What the pair requires of the data tier: a Global Datastore member is not a burstable node
 * (ElastiCache supports M5/R5 and newer only); a primary names the standby's region as its
 * disaster-recovery region (`crossRegionBackup`); a standby's database is one read replica of the
 * primary's, with backups kept so it can be promoted, and no replicas or backup copies of its own.
 */
export function checkStandby(
  standby: StandbyConfig,
  data: DataConfig,
  services: readonly { readonly name: string }[],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (isBurstable(data.redis.nodeType)) {
    problems.push({
      key: "platform:data.redis.nodeType",
      received: data.redis.nodeType,
      message:
        "must not be a burstable (t) node type with platform:standby: ElastiCache Global Datastores support M5, R5 and newer node types only",
    });
  }
  if (standby.role === "primary" && data.postgres.crossRegionBackup === undefined) {
    problems.push({
      key: "platform:data.postgres.crossRegionBackup",
      received: undefined,
      message:
        "is required with platform:standby.role: primary: its region is the standby's, where the Vault seal key is replicated (docs/decisions/0144)",
    });
  }
  if (standby.role === "standby") {
    if (data.postgres.readReplicas !== 0) {
      problems.push({
        key: "platform:data.postgres.readReplicas",
        received: data.postgres.readReplicas,
        message:
          "must be 0 in a standby stack: its database is itself the read replica of the primary stack's; add replicas after promotion",
      });
    }
    if (data.postgres.crossRegionBackup !== undefined) {
      problems.push({
        key: "platform:data.postgres.crossRegionBackup",
        received: data.postgres.crossRegionBackup,
        message:
          "must be left out in a standby stack: the primary stack copies its backups; set it after promotion (docs/runbooks/failover.md)",
      });
    }
    const known = services.map((s) => s.name);
    standby.dns?.records.forEach((record, i) => {
      if (!known.includes(record.service)) {
        problems.push({
          key: `platform:standby.dns.records[${i}].service`,
          received: record.service,
          message: `must name a service of platform:services (${known.join(", ") || "none declared"})`,
        });
      }
    });
  }
  return problems;
}
